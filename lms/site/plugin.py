"""Registers the site pages and CLI groups with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.site.models"]


@hookimpl
def lms_job_modules():
    return ["lms.mail"]


@hookimpl
def lms_load_blueprints(app):
    from lms.site.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_cli_commands():
    from lms.cli.demo import demo_group

    return [demo_group]


@hookimpl
def lms_navigation_entries(user):
    return [{"endpoint": "core.home", "label": _l("Start"), "order": 0}]
