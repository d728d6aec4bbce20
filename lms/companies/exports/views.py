"""The exports page of a company manager: completion records and the funding evidence pack."""

import re
from datetime import UTC, date, datetime, time, timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms.accounts.models import Department, Organisation
from lms.catalog.models import Course, CourseVersion
from lms.companies.access import managed_organisation
from lms.companies.audit import record_access
from lms.companies.exports import jobs as exports_jobs
from lms.companies.exports import rows
from lms.companies.exports.cells import LOCAL_ZONE
from lms.companies.exports.formats import EXPORT_FORMATS, ExportOptions
from lms.companies.exports.forms import ExportForm, FundingPackForm
from lms.db import utcnow
from lms.extensions import db
from lms.unit_of_work import unit_of_work

bp = Blueprint("company_exports", __name__, url_prefix="/company/exports",
               template_folder="templates")



def start_of_day(day: date | None) -> datetime | None:
    """Midnight of ``day`` where the companies are, as UTC (filters are calendar days)."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=LOCAL_ZONE).astimezone(UTC)


def published_courses() -> list[tuple[int, str]]:
    return list(db.session.execute(
        select(Course.id, CourseVersion.title_de)
        .join(CourseVersion, CourseVersion.id == Course.published_version_id)
        .order_by(CourseVersion.title_de)
    ).all())


def _choices(form, organisation: Organisation) -> None:
    courses = [SelectChoice(course_id, title) for course_id, title in published_courses()]
    if isinstance(form, ExportForm):
        form.course.choices = [SelectChoice(0, _("alle Kurse"))] + courses
        departments = db.session.execute(
            select(Department.id, Department.name)
            .where(Department.organisation_id == organisation.id).order_by(Department.name)
        ).all()
        form.department.choices = [SelectChoice(0, _("alle Abteilungen"))] + [
            SelectChoice(d_id, name) for d_id, name in departments]
    else:
        form.course.choices = courses


def certificates_zip_url() -> str | None:
    """The company certificates page (with its zip download), when that area is installed."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule.rstrip("/") == "/company/certificates" and not rule.arguments:
            return rule.rule
    return None


def filename(organisation: Organisation, stem: str, extension: str, now: datetime) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", organisation.name.lower()).strip("-") or "firma"
    return f"{stem}-{slug}-{now:%Y-%m-%d}.{extension}"


def _page(export_form=None, pack_form=None, status: int = 200):
    organisation = managed_organisation(current_user)
    export_form = export_form or ExportForm(formdata=None)
    pack_form = pack_form or FundingPackForm(formdata=None)
    _choices(export_form, organisation)
    _choices(pack_form, organisation)
    return render_template(
        "exports/index.html", organisation=organisation, export_form=export_form,
        pack_form=pack_form, zip_url=certificates_zip_url(),
    ), status


@bp.get("/")
@login_required
def show_exports():
    return _page()


@bp.post("/download")
@login_required
def download_export():
    organisation = managed_organisation(current_user)
    form = ExportForm()
    _choices(form, organisation)
    if not form.validate_on_submit():
        return _page(export_form=form, status=400)
    now = utcnow()
    before = form.date_to.data + timedelta(days=1) if form.date_to.data else None
    filters = rows.CompletionFilter(
        completed_from=start_of_day(form.date_from.data),
        completed_before=start_of_day(before),
        course_id=form.course.data or None,
        department_id=form.department.data or None,
        status=form.status.data or None,
    )
    kind = EXPORT_FORMATS[form.format.data]
    language = str(get_locale() or "de")
    name = filename(organisation, "abschluesse", kind.extension, now)
    if rows.count_rows(organisation, filters, now) > current_app.config[
            "ATLAS_EXPORT_INLINE_MAX_ROWS"]:
        # Too large to build while the browser waits: a job prepares it, the manager
        # gets a mail with the link, and the page says so.
        with unit_of_work(refusals=(), success=_(
                "Der Export wird vorbereitet. Sie erhalten eine Nachricht mit dem "
                "Download-Link, sobald er bereitliegt.")):
            record_access(current_user, organisation, f"export_{kind.key}", now,
                          detail=filters.describe())
            exports_jobs.request_export(current_user, organisation, filters, kind.key, name,
                                        language, bool(form.semicolon.data), now)
        return redirect(url_for("jobs.list_downloads"), 303)
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, f"export_{kind.key}", now,
                      detail=filters.describe())
    headings = [str(label) for _key, label in rows.COLUMNS]
    labels = {key: str(label) for key, label in
              (*rows.STATUS_LABELS.items(), *rows.CERTIFICATE_LABELS.items())}
    stream = rows.completion_rows(organisation, filters, now, language)
    body = kind.write(stream, ExportOptions(headings, labels, semicolon=form.semicolon.data))
    return Response(stream_with_context(body), mimetype=kind.media_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })


@bp.post("/funding-pack")
@login_required
def download_funding_pack():
    organisation = managed_organisation(current_user)
    form = FundingPackForm()
    _choices(form, organisation)
    if not form.validate_on_submit():
        return _page(pack_form=form, status=400)
    course = db.get_or_404(Course, form.course.data)
    now = utcnow()
    name = filename(organisation, f"foerdernachweis-{course.slug}", "pdf", now)
    with unit_of_work(refusals=()):
        record_access(current_user, organisation, "export_funding", now,
                      detail=f"course={course.slug}, {form.date_from.data}–{form.date_to.data}")
        prepared = exports_jobs.request_funding_pack(
            current_user, organisation, course, start_of_day(form.date_from.data),
            start_of_day(form.date_to.data + timedelta(days=1)),
            (form.measure_number.data or "").strip(), name, str(get_locale() or "de"), now)
    # Without Redis the pack is ready now and the link serves it; with a worker the
    # link shows "wird vorbereitet" until it is, and a mail follows.
    return redirect(url_for("jobs.download", token=prepared.token), 303)
