"""Registers the trainers' cockpit with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.teaching.models", "lms.teaching.grading_models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.teaching import grading_views, views  # noqa: F401  (attach routes)
    from lms.teaching.blueprint import bp

    app.register_blueprint(bp)
