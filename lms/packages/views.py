"""Package pages: uploading a SCORM/cmi5 zip into a course's draft or as a new course."""

from flask import Blueprint

bp = Blueprint("packages", __name__, url_prefix="/studio", template_folder="templates")
