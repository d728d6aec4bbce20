"""Deep linking: a platform's teacher picks an ATLAS course or module; we answer signed.

The request's settings are kept in the browser's session between the launch and the pick
(signed cookie, used once). The answer is an ``LtiDeepLinkingResponse`` JWT signed with the
tool key, holding one ``ltiResourceLink`` whose custom parameters name the course (and
module); with Assignment and Grade Services offered it asks for a line item of 100 points.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from lms.catalog.models import Course
from lms.catalog.services import published_courses
from lms.catalog.version_content import content_for
from lms.errors import ValidationFailedError
from lms.lti import claims as c
from lms.lti import keys
from lms.lti.launch import LaunchRefusedError, check_redirect_target
from lms.lti.models import LtiRegistration

TOKEN_LIFETIME = 300


def request_context(registration: LtiRegistration, claims: dict) -> dict:
    """What the picker and the answer need from a deep linking request (JSON-safe).

    :raises LaunchRefusedError: the person may not pick content, or the platform does not
        accept resource links.
    """
    if not c.has_role(claims, *c.CONTENT_PICKER_ROLES):
        raise LaunchRefusedError(_("Nur Lehrende der Plattform können Inhalte auswählen."))
    settings = c.section(claims, c.DEEP_LINKING_SETTINGS)
    accepted = settings.get("accept_types") or ["ltiResourceLink"]
    if not isinstance(accepted, list) or "ltiResourceLink" not in accepted:
        raise LaunchRefusedError(_("Die Plattform nimmt hier keine Ressourcen-Links an."))
    scopes = c.section(claims, c.AGS_ENDPOINT).get("scope")
    return {
        "registration_id": registration.id,
        "deployment_id": str(claims[c.DEPLOYMENT_ID]),
        "return_url": check_redirect_target(str(settings["deep_link_return_url"])),
        "data": settings.get("data") if isinstance(settings.get("data"), str) else None,
        "line_items": isinstance(scopes, list) and c.SCOPE_LINEITEM in scopes,
        "context_title": str(c.section(claims, c.CONTEXT).get("title") or "")[:200],
    }


@dataclass
class Choice:
    """One entry of the picker: a whole course or one of its modules."""

    value: str
    course_title: str
    module_title: str | None


def choices(language: str) -> list[tuple[Course, str, list[Choice]]]:
    """Published courses with their modules, in the picker's order."""
    listed = []
    for version in published_courses():
        model = content_for(version).course
        title = version.title(language)
        entries = [Choice(f"{version.course.slug}", title, None)]
        entries += [Choice(f"{version.course.slug}:{module.id}", title,
                           module.title.get(language) or module.title.get("de") or module.id)
                    for module in model.modules]
        listed.append((version.course, title, entries))
    return listed


def find_choice(value: str, language: str) -> Choice:
    for _course, _title, entries in choices(language):
        for entry in entries:
            if entry.value == value:
                return entry
    raise ValidationFailedError(_("Bitte wählen Sie einen Kurs oder ein Modul aus der Liste."),
                                field="item")


def content_item(choice: Choice, launch_url: str, line_items: bool) -> dict:
    slug, _sep, module_id = choice.value.partition(":")
    title = f"{choice.course_title}: {choice.module_title}" if choice.module_title else (
        choice.course_title)
    custom = {c.CUSTOM_COURSE: slug}
    if module_id:
        custom[c.CUSTOM_MODULE] = module_id
    item = {"type": "ltiResourceLink", "title": title[:250], "url": launch_url,
            "custom": custom}
    if line_items:
        item["lineItem"] = {"scoreMaximum": 100, "label": title[:250],
                            "resourceId": choice.value[:250]}
    return item


def response_token(registration: LtiRegistration, context: dict, items: list[dict],
                   now: datetime) -> str:
    """The signed ``LtiDeepLinkingResponse`` for the platform's return URL."""
    issued = int(now.timestamp())
    claims = {
        "iss": registration.client_id, "aud": registration.issuer, "iat": issued,
        "exp": issued + TOKEN_LIFETIME, "nonce": secrets.token_urlsafe(16),
        c.MESSAGE_TYPE: c.DEEP_LINKING_RESPONSE, c.VERSION: "1.3.0",
        c.DEPLOYMENT_ID: context["deployment_id"], c.CONTENT_ITEMS: items,
    }
    if context.get("data") is not None:
        claims[c.DL_DATA] = context["data"]
    return keys.sign(claims, now)
