"""Registers the packages area with the plugin host: models, the package authority on
publication, pending grants on the LRS admin page, the import and export commands, the
upload pages, the SCORM player, the cmi5 runtime (launch and fetch routes, its answers to
the LRS's hooks: session tokens, statement rules, moveOn) and the course exports
(downloads, cmi5 AUs)."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.packages.models", "lms.packages.cmi5_models", "lms.packages.runtime_models"]


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
    from lms.packages import player_views, views
    from lms.packages.cmi5_units import launch_panel
    from lms.packages.cmi5_views import bp as cmi5_bp
    from lms.packages.export_views import bp as export_bp

    app.register_blueprint(views.bp)
    app.register_blueprint(player_views.bp)
    app.register_blueprint(cmi5_bp)
    app.register_blueprint(export_bp)
    # learning's lesson page includes packages/_cmi5_launch.html, which asks for its AUs here
    app.jinja_env.globals["cmi5_panel"] = launch_panel


@hookimpl
def lms_lrs_authenticate(key, secret, now):
    from lms.packages.cmi5_lrs import authenticate

    return authenticate(key, secret, now)


@hookimpl
def lms_lrs_statements_received(client, statements, now):
    from lms.packages.cmi5_lrs import statements_received

    statements_received(client, statements, now)


@hookimpl
def lms_statements_stored(statements, now):
    from lms.packages.cmi5_lrs import statements_stored

    statements_stored(statements, now)


@hookimpl
def lms_personal_data(user):
    from lms.packages.personal_data import personal_data_sections

    return personal_data_sections(user)
