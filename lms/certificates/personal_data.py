"""What certificates hold about a person, for the learner's own data page."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db


def certificate_section(user) -> dict:
    now = utcnow()
    certificates = db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at, Certificate.id)).all()
    return {
        "key": "certificates",
        "title": _("Zertifikate"),
        "employer_sees": _("Ihr Unternehmen sieht Ihre Zertifikate (Nummer, Kurs, Gültigkeit) "
                           "und kann sie herunterladen."),
        "items": [{
            "number": c.number,
            "course": c.payload["course"]["title"],
            "version": c.payload["course"]["version"],
            "name_on_certificate": c.learner_name,
            "completed_at": c.payload["completed_at"],
            "issued_at": c.payload["issued_at"],
            "expires_at": c.payload.get("expires_at"),
            "status": services.certificate_status(c, now),
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "reminded_at": c.reminded_at.isoformat() if c.reminded_at else None,
        } for c in certificates],
    }
