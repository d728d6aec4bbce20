"""Registers the qualifications area with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.qualifications.models"]


@hookimpl
def lms_job_modules():
    return ["lms.qualifications.jobs"]


@hookimpl
def lms_load_blueprints(app):
    from lms.qualifications import network_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.me_bp)
    app.register_blueprint(network_views.bp)


@hookimpl
def lms_cli_commands():
    from lms.qualifications.cli import qualifications_group

    return [qualifications_group]


@hookimpl
def lms_navigation_entries(user):
    # the network picture: for network staff (admins reach it too, by the address)
    network = ([{"endpoint": "qualifications_network.show_picture",
                 "label": _l("Netzwerkbild"), "order": 60}]
               if user.is_authenticated and user.is_network_staff else [])
    if not user.is_authenticated or user.membership is None:
        return network
    entries = [{"endpoint": "my_qualifications.mine", "label": _l("Meine Qualifikationen"),
                "order": 86, "section": "user"}, *network]
    if user.is_company_manager:
        entries.append({"endpoint": "qualifications.show_matrix",
                        "label": _l("Qualifikationen"), "order": 61})
    if user.is_works_council:
        entries.append({"endpoint": "qualifications.works_council",
                        "label": _l("Qualifikationen"), "order": 61})
    return entries


@hookimpl(trylast=True)
def lms_course_completed(user, course, completed_at):
    """After the certificate is issued (trylast): it becomes evidence at once."""
    from lms.qualifications.evidence import sync_derived_evidence

    sync_derived_evidence([user.id], completed_at)


@hookimpl
def lms_user_logged_in(user, now):
    """A department taken from the SSO claim brings its roles with it."""
    if user.membership is not None:
        from lms.qualifications.roles import sync_department_roles

        sync_department_roles(user.membership.organisation, now, user=user)


@hookimpl
def lms_demo_data(now):
    from lms.qualifications.catalogue import seed_catalogue
    from lms.qualifications.demo import seed_demo_qualifications

    added_q, added_r = seed_catalogue(now)
    lines = [f"Qualifikationskatalog: {added_q} Qualifikationen, {added_r} Rollenvorlagen"
             ] if added_q or added_r else []
    return lines + seed_demo_qualifications(now)
