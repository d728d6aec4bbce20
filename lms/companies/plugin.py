"""Registers the company portal with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.companies import views

    app.register_blueprint(views.bp)
