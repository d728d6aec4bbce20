"""Registers the qualifications area with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.qualifications.models"]
