"""Who a launch signs in, and where it takes them: account, organisation, enrolment, trainer.

Accounts are found only by (registration, ``sub``): an e-mail claim never links to an
existing account, since the platform cannot vouch for addresses in our database. A new
account takes the name and e-mail claims; an address another account already has, or none,
gives an account without e-mail (its messages stay in the platform inbox). Nothing from a
platform makes anybody an admin, and admin accounts never sign in through LTI.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.accounts.passwords import hash_password
from lms.catalog.models import Course
from lms.catalog.trainers import grant_course_trainer
from lms.catalog.version_content import content_for
from lms.errors import PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.learning.enrolment import enrol_from_platform
from lms.lti import claims as c
from lms.lti.launch import LaunchRefusedError
from lms.lti.models import LtiGrade, LtiIdentity, LtiLink, LtiRegistration
from lms.plugins import hooks


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _new_account_email(claims: dict) -> str | None:
    email = _text(claims, "email", 254)
    if not email:
        return None
    try:
        email = accounts.normalise_email(email)
    except ValidationFailedError:
        return None
    return None if accounts.find_user_by_email(email) else email


def sign_in_user(registration: LtiRegistration, claims: dict, now: datetime) -> User:
    """The account of the launching person, created on first launch, in the organisation.

    :raises PermissionDeniedError: deactivated, an admin account, or a member of another
        organisation.
    """
    subject = str(claims.get("sub", ""))[:255]
    if not subject:
        raise LaunchRefusedError(_("Der Start nennt keine Person (sub fehlt)."))
    identity = db.session.scalar(select(LtiIdentity).where(
        LtiIdentity.registration_id == registration.id, LtiIdentity.subject == subject))
    name = _text(claims, "name", 200) or " ".join(
        part for part in (_text(claims, "given_name", 100), _text(claims, "family_name", 100))
        if part)
    if identity is None:
        # a random password nobody knows: this account signs in through its platform
        user = accounts.create_user(
            email=_new_account_email(claims), name=name or _("Teilnehmer/in über %(platform)s",
                                                             platform=registration.name)[:200],
            now=now, password_hash=hash_password(secrets.token_urlsafe(32)))
        identity = LtiIdentity(registration_id=registration.id, subject=subject,
                               user_id=user.id, created_at=now)
        db.session.add(identity)
    else:
        user = identity.user
    if not user.is_active:
        raise PermissionDeniedError(_("Ihr Konto ist gesperrt. Bitte wenden Sie sich an die "
                                      "Administration."))
    if user.is_admin:
        raise PermissionDeniedError(_("Administratorkonten melden sich nicht über LTI an."))
    organisation = registration.organisation
    if user.membership and user.membership.organisation_id != organisation.id:
        raise PermissionDeniedError(_("Ihr Konto gehört zu einer anderen Organisation."))
    if user.membership is None:
        accounts.add_member(organisation, user, now=now)
    identity.last_launch_at = now
    user.last_login_at = now
    db.session.flush()
    hooks().lms_user_logged_in(user=user, now=now)
    return user


@dataclass
class Destination:
    """Where the launch goes: the course, and the first lesson of the linked module, if any."""

    course: Course
    lesson_id: str | None
    as_trainer: bool


def _linked_course(claims: dict) -> tuple[Course, str | None]:
    custom = c.section(claims, c.CUSTOM)
    slug = str(custom.get(c.CUSTOM_COURSE, "")).strip()
    module = str(custom.get(c.CUSTOM_MODULE, "")).strip()
    course = db.session.scalar(select(Course).where(Course.slug == slug)) if slug else None
    if course is None or course.published_version is None:
        raise LaunchRefusedError(_("Dieser Link zeigt auf keinen veröffentlichten ATLAS-Kurs. "
                                   "Bitte wählen Sie den Inhalt in der Plattform neu aus."))
    return course, module or None


def first_lesson_of(course: Course, module_id: str | None) -> str | None:
    """The module's first lesson (None for a whole-course link)."""
    if module_id is None:
        return None
    model = content_for(course.published_version).course
    module = next((m for m in model.modules if m.id == module_id), None)
    if module is None or not module.lessons:
        raise LaunchRefusedError(_("Das verlinkte Modul gibt es in diesem Kurs nicht mehr."))
    return module.lessons[0].id


def _find_link(registration: LtiRegistration, deployment: str, resource: str
               ) -> LtiLink | None:
    return db.session.scalar(select(LtiLink).where(
        LtiLink.registration_id == registration.id, LtiLink.deployment_id == deployment,
        LtiLink.resource_link_id == resource))


def _link(registration: LtiRegistration, deployment: str, resource: str, course: Course,
          now: datetime) -> LtiLink:
    """The link row, created in a savepoint: a class opening a new link at once races here."""
    link = _find_link(registration, deployment, resource)
    if link is not None:
        return link
    try:
        with db.session.begin_nested():
            link = LtiLink(registration_id=registration.id, deployment_id=deployment,
                           resource_link_id=resource, course_id=course.id, updated_at=now)
            db.session.add(link)
    except IntegrityError:
        link = _find_link(registration, deployment, resource)
    return link


def open_link(registration: LtiRegistration, claims: dict, user: User, now: datetime
              ) -> Destination:
    """Record the resource link (and its line item) and enrol ``user`` on its course.

    An Instructor becomes the course's trainer instead, only when the admin allowed it on
    the registration; otherwise everybody is a learner.
    """
    course, module_id = _linked_course(claims)
    lesson_id = first_lesson_of(course, module_id)
    deployment = str(claims[c.DEPLOYMENT_ID])
    resource = str(c.section(claims, c.RESOURCE_LINK).get("id"))[:255]
    link = _link(registration, deployment, resource, course, now)
    ags = c.section(claims, c.AGS_ENDPOINT)
    link.course_id, link.module_id, link.updated_at = course.id, module_id, now
    link.lineitem_url = str(ags.get("lineitem") or "")[:1000]
    scopes = ags.get("scope")
    link.ags_scopes = " ".join(s for s in scopes if isinstance(s, str))[:500] if isinstance(
        scopes, list) else ""
    db.session.flush()
    if registration.instructors_train and c.has_role(claims, c.ROLE_INSTRUCTOR):
        user.is_trainer = True
        grant_course_trainer(None, course, user, now)
        return Destination(course, lesson_id, as_trainer=True)
    enrol_from_platform(user, course, now)
    if link.lineitem_url and c.SCOPE_SCORE in link.ags_scopes.split():
        grade = db.session.scalar(select(LtiGrade).where(LtiGrade.link_id == link.id,
                                                         LtiGrade.user_id == user.id))
        if grade is None:
            db.session.add(LtiGrade(link_id=link.id, user_id=user.id,
                                    subject=str(claims["sub"])[:255]))
            db.session.flush()
    return Destination(course, lesson_id, as_trainer=False)
