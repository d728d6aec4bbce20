"""Registers the qualifications area with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.qualifications.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.qualifications import network_views

    app.register_blueprint(network_views.bp)


@hookimpl
def lms_navigation_entries(user):
    from flask_babel import lazy_gettext as _l

    # admins reach it too, by the address: their menu is long enough
    if user.is_authenticated and user.is_network_staff:
        return [{"endpoint": "qualifications_network.show_picture",
                 "label": _l("Netzwerkbild"), "order": 60}]
    return []
