"""The `atlas` command: Flask's CLI for this app, plus the groups plugins contribute."""

from flask.cli import FlaskGroup


def _create_app():
    from lms.app import create_app, freeze_startup_objects

    app = create_app()
    freeze_startup_objects()  # `atlas run` serves like wsgi.py does
    return app


cli = FlaskGroup(
    create_app=_create_app,
    help="ATLAS Campus: run the platform and manage it (atlas run, atlas db upgrade, …).",
)


def main() -> None:
    cli(prog_name="atlas")
