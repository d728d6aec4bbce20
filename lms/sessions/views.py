"""Session pages: scheduling, registration, roster and check-in."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates")
