"""Registers the LRS with the plugin host: its tables, the /xapi/ binding, admin page and CLI."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl

#: Settings of the LRS with their defaults (override them in the app configuration).
DEFAULTS = {
    "ATLAS_LRS_MAX_BODY": 16 * 1024 * 1024,  # bytes per request, attachments included
    "ATLAS_LRS_PAGE_SIZE": 100,  # statements per page, also for limit=0
    "ATLAS_LRS_SETTLE_SECONDS": 1,  # how far Consistent-Through lags behind now
}


@hookimpl
def lms_model_modules():
    return ["lms.lrs.models"]


@hookimpl
def lms_extra_metadata():
    from xapi.store_sql import metadata

    return [metadata]


@hookimpl
def lms_job_modules():
    return ["lms.lrs.jobs"]


@hookimpl
def lms_load_blueprints(app):
    from lms.lrs import about_views, agents_views, documents_views, statements_views  # noqa: F401
    from lms.lrs.admin_views import bp as admin_bp
    from lms.lrs.blueprint import bp
    from lms.lrs.browser_views import bp as browser_bp
    from lms.lrs.embedded import build_lrs

    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions["atlas_lrs"] = build_lrs(app)
    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(browser_bp)


@hookimpl
def lms_cli_commands():
    from lms.lrs.cli import lrs_group

    return [lrs_group]


@hookimpl
def lms_navigation_entries(user):
    entries = []
    if user.is_authenticated and user.is_admin:
        entries.append({"endpoint": "lrs_admin.show_lrs", "label": _l("LRS"), "order": 72})
    if user.is_authenticated and (user.is_admin or user.is_trainer):
        entries.append({"endpoint": "lrs_browser.list_statements",
                        "label": _l("xAPI-Statements"), "order": 73})
    return entries
