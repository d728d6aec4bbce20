"""Registers blended sessions with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.sessions.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.sessions import views

    app.register_blueprint(views.bp)


@hookimpl
def lms_cli_commands():
    from lms.sessions.cli import sessions_group

    return [sessions_group]


@hookimpl
def lms_navigation_entries(user):
    if user.is_authenticated and (user.is_trainer or user.is_admin):
        return [{"endpoint": "sessions.list_sessions", "label": _l("Termine"), "order": 30}]
    return []


@hookimpl
def lms_dashboard_panels(user):
    from lms.sessions.dashboard import my_sessions_panel

    panel = my_sessions_panel(user) if user.is_authenticated else None
    return [panel] if panel is not None else []


@hookimpl
def lms_enrolment_changed(enrolment, now):
    from lms.sessions.services import cancel_future_registrations

    if enrolment.status == "withdrawn":
        cancel_future_registrations(enrolment.user, enrolment.course, now)


@hookimpl
def lms_personal_data(user):
    from lms.sessions.personal_data import personal_data_sections

    return personal_data_sections(user)


@hookimpl(trylast=True)
def lms_demo_data(now):
    # trylast: the catalog's demo courses (and their trainer) must exist first
    from lms.sessions.demo import seed_demo_sessions

    return seed_demo_sessions(now)
