"""Background jobs of the exports: large completion exports and the funding evidence pack.

Both write their result into a prepared file (``lms.jobs.files``), stored in the database,
so whichever node the owner reaches next serves it; the owner gets a mail with the link.
"""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.accounts.inbox import send_to_user
from lms.accounts.models import Organisation, User
from lms.catalog.models import Course
from lms.companies.exports import funding_pack, rows
from lms.companies.exports.formats import EXPORT_FORMATS, ExportOptions
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import enqueue, job
from lms.jobs.files import fill_file, mark_failed, start_file
from lms.jobs.models import PreparedFile


def filter_arguments(filters: rows.CompletionFilter) -> dict:
    """The filter as JSON for a job's arguments."""
    return {key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in vars(filters).items()}


def filter_from(arguments: dict) -> rows.CompletionFilter:
    values = dict(arguments)
    for key in ("completed_from", "completed_before"):
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    return rows.CompletionFilter(**values)


def export_bytes(organisation: Organisation, filters: rows.CompletionFilter, format_key: str,
                 language: str, semicolon: bool, now: datetime) -> bytes:
    """The whole export as bytes, headings and labels in ``language``."""
    kind = EXPORT_FORMATS[format_key]
    with force_locale(language):
        headings = [str(label) for _key, label in rows.COLUMNS]
        labels = {key: str(label) for key, label in
                  (*rows.STATUS_LABELS.items(), *rows.CERTIFICATE_LABELS.items())}
        stream = rows.completion_rows(organisation, filters, now, language)
        chunks = kind.write(stream, ExportOptions(headings, labels, semicolon=semicolon))
        return b"".join(c.encode("utf-8") if isinstance(c, str) else c for c in chunks)


def request_export(user: User, organisation: Organisation, filters: rows.CompletionFilter,
                   format_key: str, filename: str, language: str, semicolon: bool,
                   now: datetime) -> PreparedFile:
    """Start preparing a large export for ``user``; the job runs after commit (flush only)."""
    kind = EXPORT_FORMATS[format_key]
    prepared = start_file(user.id, _("Abschlussdaten (%(format)s)",
                                     format=kind.extension.upper()),
                          filename, kind.media_type, now)
    enqueue("companies.export", file_id=prepared.id, organisation_id=organisation.id,
            filters=filter_arguments(filters), format_key=kind.key, language=language,
            semicolon=semicolon, now=now.isoformat())
    return prepared


def request_funding_pack(user: User, organisation: Organisation, course: Course,
                         starts: datetime, ends: datetime, measure_number: str, filename: str,
                         language: str, now: datetime) -> PreparedFile:
    """Start preparing the funding pack of ``[starts, ends)`` for ``user`` (flush only)."""
    prepared = start_file(user.id, _("Fördernachweis %(course)s", course=course.slug),
                          filename, "application/pdf", now)
    enqueue("companies.funding_pack", file_id=prepared.id, organisation_id=organisation.id,
            course_id=course.id, starts=starts.isoformat(), ends=ends.isoformat(),
            measure_number=measure_number, language=language, now=now.isoformat())
    return prepared


def _notify(file_id: int, language: str) -> None:
    """Mail the owner that the file is ready, with its link."""
    row = db.session.get(PreparedFile, file_id)
    owner = db.session.get(User, row.owner_id)
    link = f"{current_app.config['ATLAS_BASE_URL']}/downloads/{row.token}"
    with force_locale(language):
        send_to_user(owner, _("Ihr Download liegt bereit: %(title)s", title=row.title),
                     _("Guten Tag %(name)s,\n\nIhre angeforderte Datei „%(title)s“ liegt bereit:\n"
                       "%(link)s\n\nDer Link funktioniert nur, wenn Sie angemeldet sind, und nur "
                       "bis zum Ablauf der Bereitstellung.", name=owner.name, title=row.title,
                       link=link))


def _failed(file_id: int, **_arguments) -> None:
    """The owner's download page says "fehlgeschlagen" instead of waiting forever."""
    mark_failed(file_id)


@job("companies.export", max_attempts=2, backoff_seconds=30, on_dead=_failed)
def prepare_export(file_id: int, organisation_id: int, filters: dict, format_key: str,
                   language: str, semicolon: bool, now: str) -> None:
    organisation = db.session.get(Organisation, organisation_id)
    data = export_bytes(organisation, filter_from(filters), format_key, language, semicolon,
                        datetime.fromisoformat(now))
    if fill_file(file_id, data, utcnow()) is not None:
        _notify(file_id, language)


@job("companies.funding_pack", max_attempts=2, backoff_seconds=30, on_dead=_failed)
def prepare_funding_pack(file_id: int, organisation_id: int, course_id: int, starts: str,
                         ends: str, measure_number: str, language: str, now: str) -> None:
    organisation = db.session.get(Organisation, organisation_id)
    course = db.session.get(Course, course_id)
    pack = funding_pack.build_pack(organisation, course, datetime.fromisoformat(starts),
                                   datetime.fromisoformat(ends), measure_number=measure_number)
    pdf = funding_pack.render_pack_pdf(pack, datetime.fromisoformat(now))
    if fill_file(file_id, pdf, utcnow()) is not None:
        _notify(file_id, language)
