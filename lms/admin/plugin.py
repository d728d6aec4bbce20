"""Registers the admin area with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    # These modules add their routes to bp (companies overview, shop floor, SSO, users).
    from lms.admin import companies_overview, join_requests, shop_floor, sso, users  # noqa: F401
    from lms.admin.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_navigation_entries(user):
    entries = []
    if user.is_authenticated and user.is_admin:
        entries.append({"endpoint": "admin.start", "label": _l("Administration"), "order": 69})
        entries.append({"endpoint": "admin.list_users", "label": _l("Benutzer"), "order": 70})
        entries.append(
            {"endpoint": "admin.list_organisations", "label": _l("Organisationen"), "order": 71}
        )
        entries.append({"endpoint": "admin.companies_overview",
                        "label": _l("Unternehmensübersicht"), "order": 71})
    return entries
