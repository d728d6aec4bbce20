"""Background jobs of certificates: rendering PDFs ahead, expiry reminders on a schedule."""

from datetime import timedelta

from sqlalchemy import delete

from lms.certificates.models import Certificate, CertificateDocument
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import every, job


@job("certificates.render", max_attempts=3, backoff_seconds=30)
def render_certificate(certificate_id: int) -> None:
    """Render the certificate's PDF once and keep it for every later download."""
    from lms.certificates.pdf import render_certificate_pdf  # WeasyPrint loads slowly

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        return
    pdf = render_certificate_pdf(certificate)
    db.session.execute(delete(CertificateDocument).where(
        CertificateDocument.certificate_id == certificate_id))
    db.session.add(CertificateDocument(certificate_id=certificate_id, pdf=pdf,
                                       rendered_at=utcnow()))


@every(timedelta(hours=6), name="certificates.expiry_reminders")
def expiry_reminders() -> None:
    """Remind holders and their managers of expiring certificates (each mail once)."""
    from lms.certificates.reminders import send_expiry_reminders

    send_expiry_reminders(utcnow())
