"""Registers the REST API with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.api import views

    app.register_blueprint(views.bp)
