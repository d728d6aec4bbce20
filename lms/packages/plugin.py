"""Registers the packages area with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.packages.runtime_models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.packages import player_views  # noqa: F401  (attach routes)
    from lms.packages.player_blueprint import bp

    app.register_blueprint(bp)
