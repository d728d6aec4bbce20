"""Registers certificates with the plugin host: models, pages, CLI, completion listener."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.certificates.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.certificates import views

    app.register_blueprint(views.bp)


@hookimpl
def lms_cli_commands():
    from lms.certificates.cli import certificates_group

    return [certificates_group]


@hookimpl
def lms_course_completed(user, course, completed_at):
    from lms.certificates.services import issue_on_completion

    issue_on_completion(user, course, completed_at)
