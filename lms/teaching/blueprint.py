"""The one blueprint of the cockpit; view modules attach their routes to it."""

from flask import Blueprint

bp = Blueprint("teaching", __name__, url_prefix="/teaching", template_folder="templates")
