"""Studio rules: who may edit which draft, new modules and lessons, media, publishing.

Services take the acting user and the time, flush but never commit, and raise domain errors.
"""

import logging
import re
import tempfile
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.utils import secure_filename

from authoring import new_course
from authoring.ids import is_valid_id, slugify
from authoring.model import LANGUAGES
from lms.accounts.models import User
from lms.catalog import services as catalog
from lms.catalog.models import Course, CourseVersion
from lms.catalog.subjects import active_subjects
from lms.catalog.trainers import grant_course_trainer, is_course_trainer, trainer_courses
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db
from lms.learning import version_move
from lms.local_time import local_day
from lms.studio import drafts
from lms.studio.workspace import DraftCheck, check_draft, materialized, render_cache

log = logging.getLogger(__name__)

#: Media a trainer may upload, by suffix.
MEDIA_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".mp4", ".webm", ".mp3", ".vtt",
                  ".pdf")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


# --- access ----------------------------------------------------------------------


def may_edit(user: User | None, course: Course) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or is_course_trainer(user, course)


def find_course_for(user: User | None, slug: str) -> Course:
    """Return the course ``slug`` if ``user`` may edit its draft.

    :raises NotFoundError: no such course, or ``user`` has no rights on it (the same answer,
        so nobody learns which other courses exist).
    """
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or not may_edit(user, course):
        raise NotFoundError(_("Diesen Kurs gibt es nicht oder Sie dürfen ihn nicht bearbeiten."))
    return course


def editable_courses(user: User) -> list[Course]:
    """The courses ``user`` may edit: every course for admins, else their trainer courses."""
    if user.is_admin:
        return list(db.session.scalars(select(Course).order_by(Course.slug)))
    return trainer_courses(user)


def ensure_draft(course: Course, actor: User | None, now: datetime) -> None:
    """Give a course without draft one: a scaffold with its id (course imported before the
    studio existed, without its folder at hand)."""
    if drafts.find_draft(course) is not None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = new_course(Path(tmp) / course.slug, course.slug)
        drafts.snapshot_folder(course, None, root, actor, now)


# --- new course, module, lesson ----------------------------------------------------


def trainer_candidates() -> list[User]:
    """Active accounts with the trainer role, by name: who may become a course's trainer."""
    return list(db.session.scalars(select(User).where(
        User.is_trainer.is_(True), User.is_active_account.is_(True)).order_by(User.name)))


def create_course(actor: User, course_id: str, now: datetime, *, title: str = "",
                  subject: str | None = None, languages: list[str] | None = None,
                  trainer: User | None = None) -> Course:
    """Create a course (without version) whose draft is the authoring scaffold
    (``authoring.new_course``, the same one ``python -m authoring new`` writes).

    :param subject: a key of the managed subject list that is not retired.
    :param languages: the course's languages; German is always one.
    :param trainer: who gets trainer rights on the new course (None: nobody yet).
    :raises ValidationFailedError: the id is malformed or taken, the subject unknown or
        retired, a language unknown, the trainer no active trainer; nothing is written.
    """
    if not actor.is_admin:
        raise NotFoundError(_("Seite nicht gefunden"))
    catalog.check_new_course_id(course_id, field="course_id")
    active = [s.key for s in active_subjects()]
    subject = subject if subject is not None else (active[0] if active else "")
    if subject not in active:
        raise ValidationFailedError(
            _("Das Themenfeld „%(subject)s“ steht nicht (mehr) in der Liste.", subject=subject),
            field="subject")
    languages = list(languages or ["de"])
    if any(language not in LANGUAGES for language in languages):
        raise ValidationFailedError(_("Unbekannte Sprache."), field="languages")
    title = " ".join((title or "").split()) or course_id
    if len(title) > 200:
        raise ValidationFailedError(_("Der Titel ist zu lang."), field="title")
    course = Course(slug=course_id, subject=subject, level="", created_at=now, updated_at=now)
    db.session.add(course)
    db.session.flush()
    with tempfile.TemporaryDirectory() as tmp:
        root = new_course(Path(tmp) / course.slug, course.slug, title=title, subject=subject,
                          languages=languages)
        drafts.snapshot_folder(course, None, root, actor, now)
    if trainer is not None:
        grant_course_trainer(actor, course, trainer, now)
    return course


def module_folders(course: Course) -> list[str]:
    """The draft's module folders (``modules/01-x``), in order."""
    folders = {row.path.rsplit("/", 1)[0] for row in drafts.list_files(course)
               if re.match(r"^modules/[^/]+/module\.yml$", row.path)}
    return sorted(folders)


def id_from_title(title: str) -> str:
    """An id derived from a title: ``Mein Test-Quiz: Übung`` → ``mein-test-quiz-uebung``."""
    return slugify(" ".join((title or "").split()))[:60].strip("-")


def _id_or_from_title(value: str | None, title: str, field: str) -> str:
    value = (value or "").strip() or id_from_title(title)
    if not is_valid_id(value):
        suggestion = id_from_title(value)
        raise ValidationFailedError(
            _("„%(value)s“ ist als ID nicht erlaubt: nur Kleinbuchstaben, Ziffern und einzelne "
              "Bindestriche. Vorschlag: %(suggestion)s", value=value, suggestion=suggestion)
            if is_valid_id(suggestion) else
            _("Die ID darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche enthalten."),
            field=field)
    return value


def _next_number(names: list[str]) -> int:
    numbers = [int(m.group(1)) for name in names if (m := re.match(r"^(\d+)-", name))]
    return max(numbers, default=0) + 1


def create_module(course: Course, actor: User, module_id: str, title: str,
                  now: datetime) -> str:
    """Add a module folder with its ``module.yml``; return the file's path.

    An empty ``module_id`` is derived from ``title``.
    """
    module_id = _id_or_from_title(module_id, title, "module_id")
    folders = module_folders(course)
    if any(folder.split("/", 1)[1].split("-", 1)[-1] == module_id for folder in folders):
        raise ValidationFailedError(_("Ein Modul %(id)s gibt es schon.", id=module_id),
                                    field="module_id")
    number = _next_number([folder.split("/", 1)[1] for folder in folders])
    path = f"modules/{number:02d}-{module_id}/module.yml"
    text = (f"id: {module_id}\ntitle:\n  de: {_yaml_text(title)}\ndescription:\n"
            f"  de: Worum es in diesem Modul geht.\n")
    drafts.write_file(course, path, text.encode("utf-8"), actor, now)
    return path


def _yaml_text(text: str) -> str:
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


LESSON_TEMPLATES = {
    "lesson": """\
---
id: {id}
title: {title}
type: lesson
minutes: 15
objectives:
  - Sie können … (Lernziel in einem Satz)
reviewed: {reviewed}
---

# {heading}

:::summary
Drei bis fünf kurze Sätze in einfacher Sprache. Jeder Satz sagt eine Sache.
:::

Einleitung: Worum geht es, und warum ist es für die Arbeit wichtig?

## Abschnitt

Text, Aufzählungen, Tabellen und Abbildungen (`![Alternativtext](media/datei.svg)`).

:::tip
Ein Hinweis für die Praxis.
:::

## Quellen

- Quelle mit Titel und Stand (Jahr). https://www.example.org/
""",
    "quiz": """\
---
id: {id}
title: {title}
type: quiz
minutes: 10
pass_mark: 70
reviewed: {reviewed}
---

# {heading}

Beantworten Sie die Fragen. Zum Bestehen brauchen Sie 70 Prozent der Punkte.

:::quiz id={id}-frage-1
Wie lautet die Frage?
[( )] Falsche Antwort
> Rückmeldung zu dieser Antwort.
[(X)] Richtige Antwort
> Richtig, weil …
[( )] Noch eine falsche Antwort
Erklärung: Warum die richtige Antwort richtig ist.
:::
""",
    "session": """\
---
id: {id}
title: {title}
type: session
minutes: 120
format: on-site
duration_minutes: 120
agenda:
  - "09:00 Begrüßung"
  - "09:15 Übung"
  - "10:45 Abschlussrunde"
bring:
  - Persönliche Schutzausrüstung
trainer_checks:
  - Teilnehmende führen die Übung sicher durch
reviewed: {reviewed}
---

# {heading}

Was im Termin geschieht und was Teilnehmende vorbereiten.
""",
}


def create_lesson(course: Course, actor: User, module_folder: str, kind: str, lesson_id: str,
                  title: str, now: datetime) -> str:
    """Add a lesson file from the template of ``kind`` to ``module_folder``; return its path.

    An empty ``lesson_id`` is derived from ``title``.
    """
    if module_folder not in module_folders(course):
        raise ValidationFailedError(_("Bitte wählen Sie ein Modul."), field="module")
    if kind not in LESSON_TEMPLATES:
        raise ValidationFailedError(_("Unbekannte Lektionsart."), field="kind")
    title = " ".join(title.split())
    if not title:
        raise ValidationFailedError(_("Bitte geben Sie einen Titel an."), field="title")
    lesson_id = _id_or_from_title(lesson_id, title, "lesson_id")
    if any(row.path.endswith((f"-{lesson_id}.md", f"/{lesson_id}.md"))
           for row in drafts.list_files(course) if row.path.startswith("modules/")):
        raise ValidationFailedError(
            _("Eine Lektion %(id)s gibt es schon. Wählen Sie eine andere ID.", id=lesson_id),
            field="lesson_id")
    names = [row.path.rsplit("/", 1)[1] for row in drafts.list_files(course)
             if row.path.startswith(module_folder + "/") and row.path.endswith(".md")]
    number = _next_number([n for n in names if not n.startswith("09-")])
    if kind != "quiz" and any(n.startswith("09-") for n in names) and number >= 9:
        number = 10
    path = f"{module_folder}/{number:02d}-{lesson_id}.md"
    text = LESSON_TEMPLATES[kind].format(id=lesson_id, title=_yaml_text(title), heading=title,
                                         reviewed=local_day(now).isoformat())
    drafts.write_file(course, path, text.encode("utf-8"), actor, now)
    return path


# --- media -------------------------------------------------------------------------


def media_name(filename: str) -> str | None:
    """A safe lowercase file name with an allowed suffix, or None."""
    name = secure_filename(filename or "").lower()
    if not name or not name.endswith(MEDIA_SUFFIXES) or name.startswith("."):
        return None
    return name


def upload_media(course: Course, actor: User, filename: str, content: bytes,
                 now: datetime) -> str:
    """Store an uploaded media file under ``media/``; return its course-relative path.

    :raises ValidationFailedError: the type is not allowed, the file is empty or too large.
    """
    name = media_name(filename)
    if name is None:
        raise ValidationFailedError(
            _("Dieser Dateityp ist nicht erlaubt. Erlaubt sind: %(types)s.",
              types=", ".join(s.lstrip(".") for s in MEDIA_SUFFIXES)), field="file")
    if not content:
        raise ValidationFailedError(_("Die Datei ist leer."), field="file")
    path = f"media/{name}"
    drafts.write_file(course, path, content, actor, now)
    return path


#: Image types a trainer may paste or drop into the editor, by what their first bytes say.
PASTED_IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp",
                      "svg": "image/svg+xml"}
#: Default for ``ATLAS_STUDIO_IMAGE_MAX_BYTES``: a pasted or dropped image at most 5 MB.
IMAGE_MAX_BYTES = 5 * 1024 * 1024


def sniff_image(content: bytes) -> str | None:
    """The image type the bytes are (``png``, ``jpg``, ``webp``, ``svg``), or None.

    The browser's file name and type are not trusted: a renamed HTML or script file is
    refused however it is called.
    """
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in content[:4096]:
        return "svg"
    return None


def pasted_image_name(filename: str, content: bytes, kind: str) -> str:
    """A media file name for a pasted image: the file's own name when it has a useful one,
    with a short content hash, so two different screenshots never overwrite each other."""
    stem = secure_filename((filename or "").rsplit(".", 1)[0]).lower()
    stem = id_from_title(stem.replace("_", "-"))[:40] or "bild"
    if stem in ("image", "bild", "blob", "clipboard", "screenshot"):
        stem = "bild"
    return f"{stem}-{drafts.sha256_hex(content)[:8]}.{kind}"


def upload_pasted_image(course: Course, actor: User, filename: str, content: bytes,
                        now: datetime, max_bytes: int = IMAGE_MAX_BYTES) -> str:
    """Store an image pasted or dropped into the editor under ``media/``; return its path.

    :raises ValidationFailedError: empty, larger than ``max_bytes``, or not an image of an
        allowed type (by content, not by name).
    """
    if not content:
        raise ValidationFailedError(_("Die Datei ist leer."), field="file")
    if len(content) > max_bytes:
        raise ValidationFailedError(
            _("Das Bild ist größer als %(mb)s MB. Verkleinern Sie es bitte.",
              mb=f"{max_bytes / (1024 * 1024):g}"), field="file")
    kind = sniff_image(content)
    if kind is None:
        raise ValidationFailedError(
            _("Das ist kein Bild im Format PNG, JPEG, WebP oder SVG."), field="file")
    path = f"media/{pasted_image_name(filename, content, kind)}"
    drafts.write_file(course, path, content, actor, now)
    return path


def image_markdown(path: str) -> str:
    """The Markdown the editor inserts for a pasted image (the alt text is to be written)."""
    return f"![Beschreibung des Bildes]({path})"


def media_snippet(path: str) -> str:
    """The Markdown a trainer pastes into a lesson to use the file."""
    name = path.rsplit("/", 1)[-1]
    if path.endswith((".svg", ".png", ".jpg", ".jpeg", ".webp")):
        return f'![Beschreibung des Bildes]({path} "Abb.: Bildunterschrift")'
    if path.endswith((".mp4", ".webm", ".mp3")):
        return f"![Beschreibung]({path})"
    return f"[{name}]({path})"


# --- checking and publishing --------------------------------------------------------


def check(course: Course, now: datetime) -> DraftCheck:
    """Check the whole draft and remember the counts for the course list."""
    result = check_draft(course)
    drafts.record_check(course, len(result.errors), len(result.warnings), now)
    return result


def draft_version(course: Course) -> str:
    return drafts.course_version_in(drafts.read_text(course, "course.yml") or "")


def suggested_version(course: Course) -> str:
    """The next patch version after the newest of the draft's and the course's versions."""
    candidates = [draft_version(course)] + [v.version for v in course.versions]

    def key(version: str):
        return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))

    newest = max((v for v in candidates if SEMVER.match(v or "")), key=key, default="0.1.0")
    return drafts.next_patch(newest)


class PublishRefusedError(ValidationFailedError):
    """The draft cannot be published; ``diagnostics`` lists its errors when it has any."""

    def __init__(self, message: str, diagnostics=None):
        super().__init__(message)
        self.diagnostics = list(diagnostics or [])


def publish_forecast(course: Course, version: str,
                     policy: str | None = None) -> version_move.PublishForecast | None:
    """What publishing the draft as ``version`` would do to the course's learners, or None
    when there is nothing to say (no version published yet, or the draft has errors)."""
    if course.published_version is None or not SEMVER.match(version or ""):
        return None
    try:
        with materialized(course) as src:
            model = catalog.build_model(src, render_cache(course))
    except catalog.CourseImportError:
        return None
    return version_move.forecast(course, model, version, _policy_for(course, version, policy))


def _policy_for(course: Course, version: str, policy: str | None) -> str | None:
    """The trainer's choice counts only for a new major version (see ``publish_draft``)."""
    current = course.published_version
    if current is None or not version_move.is_major_step(current.version, version):
        return None
    return policy


def publish_draft(course: Course, actor: User, version: str, now: datetime,
                  learner_policy: str | None = None) -> CourseVersion:
    """Check the draft, write ``version`` into its course.yml, build and import it, publish.

    :param learner_policy: ``move`` or ``stay``: whether learners who started an earlier
        major version move on to this one. Used only when ``version`` starts a new major
        version; patch and minor versions always move learners who have not completed.
    :raises PublishRefusedError: the version is malformed or taken, or the draft has errors;
        nothing is written then.
    """
    version = version.strip()
    if not SEMVER.match(version):
        raise PublishRefusedError(_("Die Version muss die Form 1.2.3 haben."))
    if db.session.scalar(select(CourseVersion.id).where(
            CourseVersion.course_id == course.id, CourseVersion.version == version)):
        raise PublishRefusedError(
            _("Die Version %(version)s gibt es schon. Wählen Sie eine höhere.", version=version))
    current = course.published_version
    if current is not None and catalog.version_key(version) <= catalog.version_key(
            current.version):
        raise PublishRefusedError(
            _("Die Version muss höher sein als die veröffentlichte Version %(current)s.",
              current=current.version))
    course_yml = drafts.read_text(course, "course.yml")
    if course_yml is None:
        raise PublishRefusedError(_("Im Entwurf fehlt die Datei course.yml."))
    override = ("course.yml", drafts.with_version(course_yml, version))
    result = check_draft(course, override)
    if result.errors:
        drafts.record_check(course, len(result.errors), len(result.warnings), now)
        raise PublishRefusedError(
            _("Der Entwurf hat %(count)d Fehler und wurde nicht veröffentlicht.",
              count=len(result.errors)), result.errors)
    if result.model.id != course.slug:
        raise PublishRefusedError(
            _("Die ID in course.yml (%(id)s) muss %(course)s bleiben.", id=result.model.id,
              course=course.slug))
    drafts.write_file(course, "course.yml", override[1].encode("utf-8"), actor, now)
    with materialized(course) as src:
        try:
            imported = catalog.import_course(
                src, actor, now, publish=True, cache=render_cache(course),
                learner_policy=_policy_for(course, version, learner_policy))
        except catalog.CourseImportError as error:
            raise PublishRefusedError(error.message, error.errors) from error
    drafts.mark_published(course, imported.version, now)
    drafts.record_check(course, 0, len(result.warnings), now)
    log.info("studio: %s published %s %s", actor.email, course.slug, version)
    return imported.version
