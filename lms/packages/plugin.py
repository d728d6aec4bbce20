"""Registers the packages area with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.packages.export_views import bp as export_bp

    app.register_blueprint(export_bp)


@hookimpl
def lms_cli_commands():
    from lms.packages.export_cli import register_export_command

    register_export_command()
    return []
