"""Registers the lti area with the plugin host."""

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.lti.models"]


@hookimpl
def lms_job_modules():
    return ["lms.lti.grades"]


@hookimpl
def lms_load_blueprints(app):
    from lms.lti import admin_views  # noqa: F401  (attach routes)
    from lms.lti.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_cli_commands():
    from lms.lti.cli import lti_group

    return [lti_group]


@hookimpl
def lms_personal_data(user):
    from lms.lti.personal_data import lti_section

    section = lti_section(user)
    return [section] if section["items"] else []


@hookimpl(trylast=True)
def lms_statements_stored(statements, now):
    """After the progress projection folded them: queue changed scores for LTI links."""
    from lms.lti.grades import learners_in, queue_changed_results

    queue_changed_results(learners_in(statements), now)


@hookimpl
def lms_course_completed(user, course, completed_at):
    from lms.lti.grades import queue_changed_results

    queue_changed_results([user], completed_at)
