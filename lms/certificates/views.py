"""Public verification of certificates, the verification key, PDF and Open Badge downloads."""

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_login import current_user, login_required

from lms.certificates import services, signing
from lms.companies.audit import record_access
from lms.db import utcnow
from lms.errors import wants_json
from lms.unit_of_work import unit_of_work

bp = Blueprint("certificates", __name__, template_folder="templates")


@bp.get("/verify/public-key.pem")
def public_key():
    return Response(signing.public_key_pem(), mimetype="application/x-pem-file")


@bp.get("/verify/key.json")
def verification_key():
    """The Ed25519 key as a Multikey: the ``verificationMethod`` of Open Badge proofs."""
    from lms.certificates.badge import multikey_document

    response = jsonify(multikey_document())
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def verification_result(number: str) -> tuple[dict, int]:
    """What anyone may learn about ``number``: status and the facts the certificate states."""
    certificate = services.get_by_number(number)
    if certificate is None:
        return {"number": number, "status": "unknown"}, 404
    successor = certificate.superseded_by
    return {
        "number": certificate.number,
        "status": services.certificate_status(certificate, utcnow()),
        "signature_valid": signing.verify(certificate.payload, certificate.signature),
        "revoked_at": certificate.revoked_at.date().isoformat()
        if certificate.revoked_at else None,
        "superseded_by": successor.number if successor else None,
        "certificate": certificate.payload,
    }, 200


@bp.get("/verify/<number>")
def verify(number: str):
    """Anyone may check a number: status, the facts the certificate states, signature check."""
    body, code = verification_result(number)
    if wants_json():
        response = jsonify(body)
        response.status_code = code
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response = Response(render_template("certificates/verify.html", result=body), code)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response


def viewable_certificate(number: str):
    """The certificate if the current user may download it (owner, admin, own-org manager)."""
    certificate = services.get_by_number(number)
    if certificate is None or not services.may_view(current_user, certificate):
        abort(404)
    if certificate.user_id != current_user.id and not current_user.is_admin:
        # an employer fetching an employee's certificate: the employee can see that later
        with unit_of_work(refusals=()):
            record_access(current_user, current_user.organisation, "export_certificates",
                          utcnow(), subject=certificate.user, detail=certificate.number)
    return certificate


@bp.get("/certificates/<number>.pdf")
@login_required
def download(number: str):
    """The certificate's PDF; anyone but owner, admins and the owner's managers gets 404."""
    certificate = viewable_certificate(number)
    from lms.certificates.pdf import certificate_pdf  # WeasyPrint loads slowly

    response = Response(certificate_pdf(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<number>/badge.json")
@login_required
def download_badge(number: str):
    """The certificate as a signed Open Badges 3.0 credential (a download)."""
    certificate = viewable_certificate(number)
    from lms.certificates.badge import badge_for

    response = jsonify(badge_for(certificate, utcnow()))
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{certificate.number}-badge.json"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
