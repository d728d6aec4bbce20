"""Registers the trainers' cockpit with the plugin host."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.teaching.models", "lms.teaching.grading_models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.teaching import grading_views, views  # noqa: F401  (attach routes)
    from lms.teaching.blueprint import bp

    app.register_blueprint(bp)


@hookimpl
def lms_navigation_entries(user):
    from lms.teaching.access import may_teach

    if may_teach(user):
        return [{"endpoint": "teaching.start_page", "label": _l("Kursbetreuung"), "order": 5}]
    return []


@hookimpl
def lms_dashboard_panels(user):
    from lms.teaching.dashboard import announcements_panel

    panel = announcements_panel(user) if user.is_authenticated else None
    return [panel] if panel is not None else []
