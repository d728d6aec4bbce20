"""Registers the health endpoints and the backup/restore commands with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.operations.health import bp

    app.register_blueprint(bp)


@hookimpl
def lms_cli_commands():
    from lms.operations.cli import backup_command, restore_command

    return [backup_command, restore_command]
