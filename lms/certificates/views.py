"""Public verification of certificates and the learner's PDF download."""

from flask import Blueprint, Response, abort, jsonify, render_template
from flask_login import current_user, login_required

from lms.certificates import services, signing
from lms.db import utcnow
from lms.errors import wants_json

bp = Blueprint("certificates", __name__, template_folder="templates")


@bp.get("/verify/public-key.pem")
def public_key():
    return Response(signing.public_key_pem(), mimetype="application/x-pem-file")


@bp.get("/verify/<number>")
def verify(number: str):
    """Anyone may check a number: status, the facts the certificate states, signature check."""
    certificate = services.get_by_number(number)
    if certificate is None:
        body, code = {"number": number, "status": "unknown"}, 404
    else:
        status = services.certificate_status(certificate, utcnow())
        body = {
            "number": certificate.number,
            "status": status,
            "signature_valid": signing.verify(certificate.payload, certificate.signature),
            "revoked_at": certificate.revoked_at.date().isoformat()
            if certificate.revoked_at else None,
            "certificate": certificate.payload,
        }
        code = 200
    if wants_json():
        return jsonify(body), code
    response = Response(render_template("certificates/verify.html", result=body), code)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/certificates/<number>.pdf")
@login_required
def download(number: str):
    """The certificate's PDF for its owner and admins; anyone else gets 404."""
    certificate = services.get_by_number(number)
    if certificate is None or not (
        certificate.user_id == current_user.id or current_user.is_admin
    ):
        abort(404)
    from lms.certificates.pdf import render_certificate_pdf  # WeasyPrint loads slowly

    response = Response(render_certificate_pdf(certificate), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
