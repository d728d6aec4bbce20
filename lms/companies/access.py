"""Who may see which company's data: managers their own, works councils read-only.

Anyone else gets PermissionDeniedError; people outside the organisation are
NotFoundError, so the existence of other firms' employees is never confirmed.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import Membership, Organisation, User
from lms.errors import NotFoundError, PermissionDeniedError
from lms.extensions import db


def managed_organisation(user: User) -> Organisation:
    """The organisation ``user`` manages.

    :raises PermissionDeniedError: not logged in or not a company manager.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_company_manager:
        raise PermissionDeniedError(_("Diese Seite ist der Unternehmensverwaltung vorbehalten."))
    return user.membership.organisation


def organisation_for_manager(user: User, organisation_id: int) -> Organisation:
    """The organisation ``organisation_id`` when ``user`` may manage it (admin or its manager).

    The organisation admin page's check; the portal's is :func:`managed_organisation`.

    :raises NotFoundError: no such organisation, or ``user`` may not manage it (404, not
        403: the existence of another member firm is not confirmed).
    """
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not (
        user.is_admin or (user.is_company_manager
                          and user.membership.organisation_id == organisation.id)):
        raise NotFoundError(_("Diese Organisation gibt es nicht."))
    return organisation


def viewable_organisation(user: User) -> Organisation:
    """The organisation whose read-only pages ``user`` may see (manager or works council).

    :raises PermissionDeniedError: neither manager nor works council.
    """
    if not getattr(user, "is_authenticated", False) or not (
        user.is_company_manager or user.is_works_council
    ):
        raise PermissionDeniedError(
            _("Diese Seite ist der Unternehmensverwaltung und dem Betriebsrat vorbehalten.")
        )
    return user.membership.organisation


def works_council_organisation(user: User) -> Organisation:
    """The organisation whose works council ``user`` belongs to.

    :raises PermissionDeniedError: not a works council member.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_works_council:
        raise PermissionDeniedError(_("Diese Seite ist dem Betriebsrat vorbehalten."))
    return user.membership.organisation


def company_role(user: User) -> str:
    """The visibility-profile role of ``user``: manager, works_council, admin or ''."""
    if user.is_company_manager:
        return "manager"
    if user.is_works_council:
        return "works_council"
    if user.is_admin:
        return "admin"
    return ""


def membership_in(organisation: Organisation, user_id: int) -> Membership:
    """The membership of ``user_id`` in ``organisation``.

    :raises NotFoundError: the user is not a member of it.
    """
    membership = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user_id
        )
    )
    if membership is None:
        raise NotFoundError(_("Diese Person gibt es in Ihrem Unternehmen nicht."))
    return membership


def employee_of(organisation: Organisation, user_id: int) -> User:
    """The member ``user_id`` of ``organisation``.

    :raises NotFoundError: anyone who is not a member of ``organisation``.
    """
    return membership_in(organisation, user_id).user
