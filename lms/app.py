"""The application factory: create_app() assembles the platform in named steps."""

import gc
import logging
import os
from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import event

from lms.config import build_config
from lms.db import tune_sqlite
from lms.errors import register_error_handlers
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
from lms.i18n import select_locale, select_timezone
from lms.logging_setup import configure_logging
from lms.plugins.manager import create_plugin_manager
from lms.security import register_security_headers
from xapi import jsontext

log = logging.getLogger(__name__)

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(overrides: dict | None = None) -> Flask:
    """Create the ATLAS Campus application.

    :param overrides: configuration values that win over the environment (tests use it).
    """
    app = Flask(__name__, instance_relative_config=True)
    chosen = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("ATLAS_INSTANCE_DIR")
    instance = Path(chosen) if chosen else Path(app.instance_path)
    app.instance_path = str(instance)
    app.config.update(build_config(instance))
    if overrides:
        app.config.update(overrides)
    configure_logging(app)
    register_plugins(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_template_context(app)
    return app


def freeze_startup_objects() -> None:
    """Hide the objects made at start-up from the garbage collector, for a serving process.

    Mappers, templates, XML schemas and locale data (~300,000 objects) live as long as the
    process; frozen, a full collection no longer walks them. A large page (the
    qualification matrix of 3,000 people) paid ~200 ms for one every few requests before
    (docs/performance.md, "Qualification planning"). Not for tests, which build many apps.
    """
    gc.collect()
    gc.freeze()


def register_plugins(app: Flask) -> None:
    """Build the plugin manager and import every model module it names."""
    manager = create_plugin_manager(app.config["ATLAS_PLUGINS"])
    app.extensions["atlas_plugins"] = manager
    for modules in manager.hook.lms_model_modules():
        for module in modules:
            __import__(module)
    for modules in manager.hook.lms_job_modules():
        for module in modules or []:
            __import__(module)


class DepthCheckedJSON(DefaultJSONProvider):
    """Request bodies parsed like the LRS's (``xapi.jsontext``): a depth limit before
    parsing, so ``[[[…]]]`` from any client is a refused body (``ValueError``, which
    ``request.get_json`` turns into its 400 or ``None``), never a RecursionError's 500."""

    def loads(self, s, **kwargs):
        return jsontext.loads(s, max_depth=MAX_JSON_DEPTH, what="the request body")


#: nesting of JSON bodies the pages and the API accept (the LRS has its own, 64)
MAX_JSON_DEPTH = 100


def register_extensions(app: Flask) -> None:
    app.json = DepthCheckedJSON(app)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", tune_sqlite)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    app.extensions["atlas_plugins"].hook.lms_load_blueprints(app=app)


def register_commands(app: Flask) -> None:
    for commands in app.extensions["atlas_plugins"].hook.lms_cli_commands():
        for command in commands or []:
            app.cli.add_command(command)


def register_template_context(app: Flask) -> None:
    from flask_babel import get_locale

    from lms import labels
    from lms.navigation import dashboard_panels, navigation_for

    @app.context_processor
    def inject_globals():
        return {
            "get_locale": get_locale,
            "navigation_for": navigation_for,
            "dashboard_panels": dashboard_panels,
            "role_labels": labels.ROLE_LABELS,
            "org_role_labels": labels.ORG_ROLE_LABELS,
            "invitation_labels": labels.INVITATION_LABELS,
        }
