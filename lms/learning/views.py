"""The learner's pages: dashboard, enrolment, lesson player."""

from flask import Blueprint

bp = Blueprint("learning", __name__, url_prefix="/learn", template_folder="templates")
