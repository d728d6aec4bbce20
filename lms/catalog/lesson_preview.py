"""A read-only preview of a lesson of a course's published version, for logged-in users.

Learners enrolled on the course are sent to the lesson player (``learning.show_lesson``),
which shows the version they are on and records their progress; this page is the
preview for everyone else. Lesson HTML of a
package holds question stems only, never options or solutions, so nothing here can leak them.
"""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from lms.catalog import services
from lms.catalog.labels import label_context
from lms.catalog.outline import build_outline
from lms.catalog.version_content import content_for
from lms.learning.enrolment import active_enrolment

bp = Blueprint("lessons", __name__, url_prefix="/courses", template_folder="templates")


@bp.context_processor
def inject_labels():
    return label_context()


@bp.get("/<slug>/<lesson_id>")
@login_required
def preview_lesson(slug: str, lesson_id: str):
    version = services.find_published_course(slug)
    enrolment = active_enrolment(current_user, version.course)
    # a lesson new in a later version than the learner's stays a preview for them
    if enrolment is not None and content_for(enrolment.course_version).course.lesson(lesson_id):
        return redirect(url_for("learning.show_lesson", slug=slug, lesson_id=lesson_id))
    model = services.load_version_model(version)
    lessons = list(model.lessons())
    index = next((i for i, lesson in enumerate(lessons) if lesson.id == lesson_id), None)
    if index is None:
        abort(404)
    lesson = lessons[index]
    wanted = str(get_locale() or "de")
    language = wanted if wanted in lesson.content else "de"
    content = lesson.variant(language)
    glossary = [term for term in model.glossary if term.slug in content.glossary]
    page_language = str(get_locale() or "de")
    return render_template(
        "catalog/lesson.html", version=version, course=version.course, lesson=lesson,
        content=content, language=content.language, glossary=glossary,
        outline=build_outline(model, page_language),
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        page_language=page_language)
