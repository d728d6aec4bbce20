"""Registers the packages area with the plugin host: models, the package authority on
publication, pending grants on the LRS admin page, the import and export commands, the
upload pages and the course exports (downloads, cmi5 AUs)."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.packages.models"]


@hookimpl
def lms_cli_commands():
    from lms.packages import cli  # noqa: F401  (adds `atlas course import-package`)
    from lms.packages.export_cli import register_export_command

    register_export_command()
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
    from lms.packages import views
    from lms.packages.export_views import bp as export_bp

    app.register_blueprint(views.bp)
    app.register_blueprint(export_bp)
