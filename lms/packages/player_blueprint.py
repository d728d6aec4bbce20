"""The package player's blueprint: the SCORM runtime page and its commit endpoint."""

from flask import Blueprint

bp = Blueprint("package_player", __name__, template_folder="templates")
