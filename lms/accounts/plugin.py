"""Registers the accounts area with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    # counters also registers the "atlas+db://" Flask-Limiter storage, before the limiter starts
    return ["lms.accounts.models", "lms.accounts.counters", "lms.accounts.sso.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.accounts import identity_views, inbox_views  # noqa: F401  (add routes to bp)
    from lms.accounts.login import configure_login
    from lms.accounts.security_txt import bp as security_txt_bp
    from lms.accounts.sso.views import bp as sso_bp
    from lms.accounts.views import bp

    configure_login(app)
    app.register_blueprint(bp)
    app.register_blueprint(sso_bp)
    app.register_blueprint(security_txt_bp)


@hookimpl
def lms_navigation_entries(user):
    if not user.is_authenticated:
        return [
            {"endpoint": "accounts.login", "label": _l("Anmelden"), "order": 90, "section": "user"}
        ]
    entries = [
        {"endpoint": "accounts.profile", "label": _l("Mein Konto"), "order": 80, "section": "user"}
    ]
    if not user.email:  # their mail lands in the platform
        entries.append({"endpoint": "accounts.messages", "label": _l("Nachrichten"),
                        "order": 75, "section": "user"})
    return entries


@hookimpl
def lms_dashboard_panels(user):
    from lms.accounts.inbox_views import inbox_panel

    panel = inbox_panel(user) if user.is_authenticated else None
    return [panel] if panel is not None else []


@hookimpl
def lms_cli_commands():
    from lms.accounts.cli import users_group

    return [users_group]


@hookimpl
def lms_personal_data(user):
    from lms.accounts.inbox import personal_data_sections as inbox_sections
    from lms.accounts.login_sessions import personal_data_sections
    from lms.db import utcnow

    return [*personal_data_sections(user, utcnow()), *inbox_sections(user)]
