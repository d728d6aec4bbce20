"""Registers learning with the plugin host: models, pages and the progress projection."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.learning.models", "lms.learning.answer_models"]


@hookimpl
def lms_job_modules():
    return ["lms.learning.answer_erasure"]


@hookimpl
def lms_load_blueprints(app):
    from lms.learning import quiz_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(quiz_views.bp)


@hookimpl
def lms_statements_stored(statements, now):
    from lms.learning.projection import fold_statements

    fold_statements(statements, now)


@hookimpl
def lms_cli_commands():
    from lms.learning.cli import progress_group

    return [progress_group]


@hookimpl
def lms_personal_data(user):
    from lms.learning.personal_data import learning_sections
    from lms.own_data.collect import account_sections

    return [*account_sections(user), *learning_sections(user)]


@hookimpl
def lms_navigation_entries(user):
    if not user.is_authenticated:
        return []
    return [{"endpoint": "learning.personal_data", "label": _l("Meine Daten"), "order": 90,
             "section": "user"}]


@hookimpl(trylast=True)
def lms_demo_data(now):
    from lms.learning.demo import seed_demo_learning

    return seed_demo_learning(now)


@hookimpl
def lms_dashboard_panels(user):
    """Courses to discover, without those the learner is already enrolled on."""
    if not user.is_authenticated:
        return []
    from lms.catalog.dashboard import discover_courses_panel
    from lms.learning.enrolment import active_course_ids
    from lms.learning.grading_notice import graded_panel

    graded = graded_panel(user)
    discover = discover_courses_panel(user, exclude_course_ids=active_course_ids(user))
    return [graded, discover] if graded is not None else [discover]
