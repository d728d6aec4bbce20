"""What the LTI tool holds about a person, for the learner's own data page."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.lti.models import LtiGrade, LtiIdentity


def lti_section(user) -> dict:
    identities = db.session.scalars(select(LtiIdentity).where(LtiIdentity.user_id == user.id)
                                    .order_by(LtiIdentity.id)).all()
    grades = db.session.scalars(select(LtiGrade).where(LtiGrade.user_id == user.id)
                                .order_by(LtiGrade.id)).all()
    items = [{
        "platform": identity.registration.name,
        "created_at": identity.created_at.isoformat(),
        "last_login_at": identity.last_launch_at.isoformat() if identity.last_launch_at
        else None,
    } for identity in identities]
    items += [{
        "platform": grade.link.registration.name,
        "course": grade.link.course.slug,
        "percent": grade.sent_score,
        "submitted_at": grade.sent_at.isoformat() if grade.sent_at else None,
    } for grade in grades]
    return {
        "key": "lti",
        "title": _("Lernplattformen (LTI)"),
        "employer_sees": _("Die Lernplattform, über die Sie starten, erhält Ihren Fortschritt "
                           "(0–100) und ob der Kurs abgeschlossen ist."),
        "items": items,
    }
