"""Registers the company portal with the plugin host: pages, models, navigation, CLI, data."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.companies.models"]


@hookimpl
def lms_job_modules():
    return ["lms.companies.jobs"]


@hookimpl
def lms_load_blueprints(app):
    # assignment_views and privacy_views add their routes to the companies blueprint
    from lms.companies import assignment_views, privacy_views, views  # noqa: F401

    app.register_blueprint(views.bp)
    app.register_blueprint(privacy_views.me_bp)


@hookimpl
def lms_cli_commands():
    from lms.companies.cli import companies_group

    return [companies_group]


@hookimpl
def lms_navigation_entries(user):
    if not user.is_authenticated or user.membership is None:
        return []
    entries = [{"endpoint": "company_me.consent_page", "label": _l("Freigaben"), "order": 85,
                "section": "user"}]
    if user.is_company_manager:
        entries.append(
            {"endpoint": "companies.list_employees", "label": _l("Unternehmen"), "order": 60}
        )
    if user.is_works_council:
        entries.append(
            {"endpoint": "companies.works_council", "label": _l("Betriebsrat"), "order": 60}
        )
    return entries


@hookimpl
def lms_user_logged_in(user, now):
    """People who joined a department get its standing assignments on their next login."""
    from lms.companies.assignments import sync_assignments

    if user.membership is not None and user.membership.department_id:
        sync_assignments(now, user=user)


@hookimpl
def lms_personal_data(user):
    from lms.companies.personal_data import company_sections

    return company_sections(user)


@hookimpl(trylast=True)
def lms_demo_data(now):
    from lms.companies.demo import seed_demo_company

    return seed_demo_company(now)
