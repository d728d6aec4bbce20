"""Pages that act on many certificates: revoke (admins, trainers), company list and zip."""

from flask import Response, abort, redirect, render_template, request, stream_with_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from lms.catalog.models import Course, CourseTrainer
from lms.certificates import services, trainer_signatures
from lms.certificates.forms import (
    STATUS_LABELS,
    CertificateFilterForm,
    RevokeForm,
    SignatureForm,
)
from lms.certificates.models import Certificate, TrainerSignature
from lms.certificates.views import bp
from lms.companies.audit import record_access
from lms.db import utcnow
from lms.extensions import db
from lms.unit_of_work import commit_or_flash, unit_of_work

PAGE_SIZE = 50
ZIP_BATCH = 20


def _course_choices(course_ids=None) -> list[SelectChoice]:
    query = select(Course).order_by(Course.slug).options(selectinload(Course.published_version))
    if course_ids is not None:
        query = query.where(Course.id.in_(course_ids))
    language = str(get_locale() or "de")
    return [SelectChoice("", _("Alle Kurse")),
            *(SelectChoice(str(c.id), c.published_version.title(language)
                           if c.published_version else c.slug)
              for c in db.session.scalars(query))]


def _filters(form: CertificateFilterForm) -> dict:
    """The list filters from the query string; anything unexpected is ignored."""
    course = form.course.data or ""
    status = form.status.data or ""
    return {"query": (form.q.data or "")[:100],
            "course_id": int(course) if course.isdigit() else None,
            "status": status if status in STATUS_LABELS else ""}


def _filter_text(filters: dict) -> str:
    """The filters of a list or zip, as the access log records them."""
    return ", ".join(f"{key}={value}" for key, value in sorted(filters.items()) if value)


def _may_manage() -> bool:
    if current_user.is_admin:
        return True
    return current_user.is_trainer and db.session.scalar(
        select(CourseTrainer.id).where(CourseTrainer.user_id == current_user.id).limit(1)
    ) is not None


# --- revoke (admins, trainers of the course) ---------------------------------------


@bp.get("/admin/certificates")
@login_required
def list_managed():
    """Certificates an admin (all) or a trainer (own courses) may revoke, searchable."""
    if not _may_manage():
        abort(403)
    now = utcnow()
    form = CertificateFilterForm(request.args)
    own = None if current_user.is_admin else select(CourseTrainer.course_id).where(
        CourseTrainer.user_id == current_user.id)
    form.course.choices = _course_choices(own)
    filters = _filters(form)
    page = max(request.args.get("page", 1, type=int), 1)
    certificates = db.paginate(services.revocable_certificates(current_user, now, **filters),
                               page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("certificates/manage.html", certificates=certificates, form=form,
                           now=now, status_of=services.certificate_status,
                           status_labels=STATUS_LABELS, args=request.args.to_dict())


@bp.route("/certificates/<number>/revoke", methods=["GET", "POST"])
@login_required
def revoke(number: str):
    """Revoke one certificate with a reason; others' certificates are 404 to trainers."""
    certificate = services.get_by_number(number)
    if certificate is None or not services.may_revoke(current_user, certificate):
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        done = commit_or_flash(
            lambda: services.revoke_certificate(current_user, certificate, form.reason.data,
                                                utcnow()),
            _("Das Zertifikat %(number)s wurde widerrufen.", number=certificate.number))
        if done:
            return redirect(url_for("certificates.list_managed", q=certificate.number))
    status = 400 if form.errors else 200
    return render_template("certificates/revoke.html", certificate=certificate, form=form,
                           status=services.certificate_status(certificate, utcnow()),
                           status_labels=STATUS_LABELS), status


# --- company managers ---------------------------------------------------------------


def _manager_organisation_id() -> int:
    if not current_user.is_company_manager:
        abort(403)
    return current_user.membership.organisation_id


@bp.get("/company/certificates")
@login_required
def company_certificates():
    """The certificates of the manager's organisation's members, filterable."""
    organisation_id = _manager_organisation_id()
    now = utcnow()
    form = CertificateFilterForm(request.args)
    present = select(Certificate.course_id).where(
        Certificate.id.in_(services.organisation_certificates(organisation_id, now)
                           .with_only_columns(Certificate.id).order_by(None)))
    form.course.choices = _course_choices(present)
    filters = _filters(form)
    page = max(request.args.get("page", 1, type=int), 1)
    certificates = db.paginate(services.organisation_certificates(organisation_id, now,
                                                                  **filters),
                               page=page, per_page=PAGE_SIZE, error_out=False)
    with unit_of_work(refusals=()):
        record_access(current_user, current_user.organisation, "view_certificates", now,
                      detail=_filter_text(filters))
    return render_template("certificates/company.html", certificates=certificates, form=form,
                           now=now, status_of=services.certificate_status,
                           status_labels=STATUS_LABELS, args=request.args.to_dict(),
                           organisation=current_user.organisation)


@bp.get("/company/certificates.zip")
@login_required
def company_certificates_zip():
    """The filtered certificates as one zip, streamed one rendered PDF at a time."""
    organisation_id = _manager_organisation_id()
    now = utcnow()
    filters = _filters(CertificateFilterForm(request.args))
    ids = db.session.scalars(services.organisation_certificates(organisation_id, now, **filters)
                             .with_only_columns(Certificate.id)).all()
    with unit_of_work(refusals=()):
        record_access(current_user, current_user.organisation, "export_certificates", now,
                      detail=_filter_text(filters) or f"{len(ids)}")
    from lms.certificates.bundle import stream_zip
    from lms.certificates.pdf import certificate_pdf

    def certificates():
        for start in range(0, len(ids), ZIP_BATCH):
            batch = ids[start:start + ZIP_BATCH]
            rows = {c.id: c for c in db.session.scalars(
                select(Certificate).where(Certificate.id.in_(batch)))}
            for certificate_id in batch:
                yield rows[certificate_id]
            for row in rows.values():  # hold one batch of rows in memory, not all of them
                db.session.expunge(row)

    filename = f"zertifikate-{now.date().isoformat()}.zip"
    response = Response(stream_with_context(stream_zip(certificates(), certificate_pdf)),
                        mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the trainer's signature ----------------------------------------------------------


@bp.route("/certificates/signature", methods=["GET", "POST"])
@login_required
def edit_signature():
    """A trainer uploads the signature image printed on certificates that name them."""
    if not current_user.is_trainer:
        abort(403)
    form = SignatureForm()
    status = 200
    if form.validate_on_submit():
        data = form.image.data.read(trainer_signatures.SIGNATURE_MAX_BYTES + 1)
        save = trainer_signatures.save_trainer_signature
        if commit_or_flash(lambda: save(current_user, data, utcnow()),
                           _("Ihre Unterschrift wurde gespeichert.")):
            return redirect(url_for("certificates.edit_signature"))
        status = 400
    has_signature = db.session.scalar(
        select(TrainerSignature.user_id).where(
            TrainerSignature.user_id == current_user.id)) is not None
    return render_template("certificates/signature.html", form=form,
                           has_signature=has_signature), 400 if form.errors else status
