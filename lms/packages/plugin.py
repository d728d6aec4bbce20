"""Registers the packages area with the plugin host: models, the package authority on
publication, pending grants on the LRS admin page, the import command and upload pages,
the SCORM player."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.packages.models", "lms.packages.runtime_models"]


@hookimpl
def lms_cli_commands():
    from lms.packages import cli  # noqa: F401  (adds `atlas course import-package`)

    return []


@hookimpl
def lms_course_version_published(course, version, actor, now):
    from lms.packages.authority import ensure_package_authority

    ensure_package_authority(course, version, actor, now)


@hookimpl
def lms_lrs_admin_sections():
    from flask import render_template
    from markupsafe import Markup

    from lms.packages.authority import pending_requests

    requests = pending_requests()
    if not requests:
        return []
    return [Markup(render_template("packages/pending_grants.html", requests=requests))]


@hookimpl
def lms_load_blueprints(app):
    from lms.packages import player_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(player_views.bp)


@hookimpl
def lms_personal_data(user):
    from lms.packages.personal_data import personal_data_sections

    return personal_data_sections(user)
