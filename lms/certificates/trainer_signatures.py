"""Trainers' signature images, printed on the certificates that name them."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateDocument, TrainerSignature
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db

SIGNATURE_MAX_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def save_trainer_signature(actor: User, image: bytes, now: datetime):
    """Store ``actor``'s signature image (PNG), printed on certificates naming them.

    :raises PermissionDeniedError: ``actor`` is no trainer.
    :raises ValidationFailedError: not a PNG, or too large.
    """
    if not actor.is_trainer:
        raise PermissionDeniedError(
            _("Nur Trainerinnen und Trainer hinterlegen eine Unterschrift."))
    if not image.startswith(PNG_MAGIC):
        raise ValidationFailedError(_("Bitte laden Sie ein PNG-Bild hoch."), field="image")
    if len(image) > SIGNATURE_MAX_BYTES:
        raise ValidationFailedError(_("Das Bild ist zu groß (höchstens 200 KB)."), field="image")
    signature = db.session.get(TrainerSignature, actor.id)
    if signature is None:
        signature = TrainerSignature(user_id=actor.id, image=image, media_type="image/png",
                                     updated_at=now)
        db.session.add(signature)
    else:
        signature.image, signature.updated_at = image, now
    # PDFs rendered ahead show the old image (or none): render them again on download
    db.session.execute(delete(CertificateDocument).where(CertificateDocument.certificate_id.in_(
        select(Certificate.id).where(Certificate.trainer_id == actor.id))))
    db.session.flush()
    return signature
