"""Registers learning with the plugin host: models, pages and the progress projection."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.learning.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.learning import quiz_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(quiz_views.bp)
