"""Registers the course studio with the plugin host: pages, models, navigation, draft snapshots."""

from flask_babel import lazy_gettext as _l

from lms.plugins import hookimpl


@hookimpl
def lms_model_modules():
    return ["lms.studio.models"]


@hookimpl
def lms_load_blueprints(app):
    from lms.studio import subject_views, views  # noqa: F401 (subject_views adds routes to bp)

    app.register_blueprint(views.bp)


@hookimpl
def lms_navigation_entries(user):
    if user.is_authenticated and (user.is_admin or user.is_trainer):
        return [{"endpoint": "studio.index", "label": _l("Kursstudio"), "order": 40}]
    return []


@hookimpl
def lms_course_imported(course, version, source_path, now):
    from lms.studio.drafts import snapshot_folder

    snapshot_folder(course, version, source_path, None, now)


@hookimpl
def lms_course_source_text(course, path):
    from lms.studio.drafts import read_text

    return read_text(course, path)


@hookimpl
def lms_course_draft_paths(course):
    from lms.studio.drafts import find_draft, list_files

    if find_draft(course) is None:
        return None
    return [row.path for row in list_files(course)]


@hookimpl
def lms_course_draft_write(course, files, actor, now):
    from lms.studio.drafts import write_file

    return [path for path, content in sorted(files.items())
            if write_file(course, path, content, actor, now)]
