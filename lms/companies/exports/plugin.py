"""Registers the completion exports with the plugin host: page and navigation."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_load_blueprints(app):
    from lms.companies.exports import views

    app.register_blueprint(views.bp)


@hookimpl
def lms_navigation_entries(user):
    if user.is_authenticated and user.is_company_manager:
        return [{"endpoint": "company_exports.show_exports", "label": _l("Exporte"),
                 "order": 62}]
    return []
