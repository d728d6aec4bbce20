"""The company manager's and works council's pages."""

from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/company", template_folder="templates")
