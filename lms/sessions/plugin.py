"""Registers blended sessions with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.sessions.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.sessions import views

    app.register_blueprint(views.bp)
