"""Quiz and assessment pages, graded on the server."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/learn", template_folder="templates")
