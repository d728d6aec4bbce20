"""Employees of a company: the member list, inviting, and removing people.

Inviting, resending and revoking reuse ``lms.accounts.services``; this module adds what
the company portal needs on top.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import Invitation, Membership, Organisation, User
from lms.accounts.services import ensure_can_manage
from lms.companies.models import Assignment
from lms.errors import NotFoundError, ValidationFailedError
from lms.extensions import db


def list_members(organisation: Organisation) -> list[Membership]:
    """Every membership of ``organisation`` with user and department loaded (one query)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, Membership.user_id == User.id)
            .options(joinedload(Membership.user), joinedload(Membership.department))
            .where(Membership.organisation_id == organisation.id)
            .order_by(User.name, User.id)
        )
    )


def list_invitations(organisation: Organisation) -> list[Invitation]:
    """The organisation's invitations that were not accepted, newest first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.department))
            .where(Invitation.organisation_id == organisation.id,
                   Invitation.accepted_at.is_(None))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def invitation_of(organisation: Organisation, invitation_id: int) -> Invitation:
    """The invitation ``invitation_id`` of ``organisation``.

    :raises NotFoundError: unknown, or another organisation's.
    """
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFoundError(_("Diese Einladung gibt es nicht."))
    return invitation


def remove_member(actor: User, organisation: Organisation, user: User, now: datetime) -> None:
    """Take ``user`` out of ``organisation`` (flush only).

    The membership is deleted, together with the company's individual assignments to the
    person; the person's account, enrolments, progress and certificates stay theirs.

    :raises ValidationFailedError: the actor tries to remove themself.
    :raises NotFoundError: ``user`` is not a member.
    """
    ensure_can_manage(actor, organisation)
    if actor.id == user.id:
        raise ValidationFailedError(
            _("Sie können sich nicht selbst aus dem Unternehmen entfernen.")
        )
    membership = user.membership
    if membership is None or membership.organisation_id != organisation.id:
        raise NotFoundError(_("Diese Person gibt es in Ihrem Unternehmen nicht."))
    db.session.execute(
        delete(Assignment).where(
            Assignment.organisation_id == organisation.id, Assignment.user_id == user.id
        )
    )
    db.session.delete(membership)
    db.session.flush()
    db.session.expire(user, ["membership"])
