"""Registers the catalog with the plugin host: pages, CLI, navigation and demo courses."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.catalog.models", "lms.catalog.subjects"]


@hookimpl
def lms_load_blueprints(app):
    from lms.catalog import admin_views, lesson_preview, views

    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(lesson_preview.bp)


@hookimpl
def lms_cli_commands():
    from lms.catalog.cli import course_group

    return [course_group]


@hookimpl
def lms_navigation_entries(user):
    entries = [{"endpoint": "catalog.list_courses", "label": _l("Kurse"), "order": 10}]
    if user.is_authenticated and user.is_admin:
        entries.append(
            {"endpoint": "catalog_admin.list_courses", "label": _l("Kursverwaltung"), "order": 72}
        )
    return entries


@hookimpl
def lms_demo_data(now):
    from lms.catalog.demo import seed_demo_courses

    return seed_demo_courses(now)
