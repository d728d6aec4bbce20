"""Registers certificates with the plugin host: models, pages, CLI, listeners, panels."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.certificates.models"]


@hookimpl
def lms_job_modules():
    return ["lms.certificates.jobs"]


@hookimpl
def lms_load_blueprints(app):
    from lms.certificates import (
        manage_views,  # noqa: F401  (adds its routes to views.bp)
        views,
    )

    app.register_blueprint(views.bp)


@hookimpl
def lms_cli_commands():
    from lms.certificates.cli import certificates_group

    return [certificates_group]


@hookimpl
def lms_navigation_entries(user):
    if not user.is_authenticated:
        return []
    entries = []
    if user.is_admin or user.is_trainer:
        entries.append({"endpoint": "certificates.list_managed", "label": _l("Zertifikate"),
                        "order": 73})
    return entries


@hookimpl
def lms_dashboard_panels(user):
    if not user.is_authenticated:
        return []
    from lms.certificates.dashboard import my_certificates_panel

    return [my_certificates_panel(user)]


@hookimpl
def lms_personal_data(user):
    from lms.certificates.personal_data import certificate_section

    return [certificate_section(user)]


@hookimpl
def lms_course_completed(user, course, completed_at):
    from lms.certificates.services import issue_on_completion

    issue_on_completion(user, course, completed_at)


@hookimpl
def lms_user_renamed(user, old_name, now):
    from lms.certificates.services import reissue_for_new_name

    reissue_for_new_name(user, now)
