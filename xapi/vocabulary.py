"""The platform's xAPI profile: verbs, activity types, stable activity IRIs and the learner actor.

Every statement ATLAS Campus writes draws its identifiers from here, so that
the progress projection, reports and upstream LRSs see one consistent
vocabulary. Activity IRIs carry the platform's base URL and the stable ids of
course, module, lesson, question or session, never a course *version*: a
learner's record must survive republishing the course. The version goes into
the context extension :data:`COURSE_VERSION`.
"""

from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
CMI5_VERBS = "https://w3id.org/xapi/adl/verbs/"
ADL_ACTIVITY_TYPES = "http://adlnet.gov/expapi/activities/"


class Verb(NamedTuple):
    id: str
    display: MappingProxyType

    def as_dict(self) -> dict[str, Any]:
        """The verb as it goes into a statement."""
        return {"id": self.id, "display": dict(self.display)}


def _verb(base: str, name: str, english: str, german: str) -> Verb:
    return Verb(base + name, MappingProxyType({"en": english, "de": german}))


#: The verbs of the profile, by short name. ADL's registry first; the cmi5
#: verbs (``satisfied``, ``abandoned``, ``waived``) where ADL has none.
VERBS: MappingProxyType = MappingProxyType(
    {
        "registered": _verb(ADL_VERBS, "registered", "registered", "angemeldet"),
        "launched": _verb(ADL_VERBS, "launched", "launched", "gestartet"),
        "initialized": _verb(ADL_VERBS, "initialized", "initialized", "initialisiert"),
        "experienced": _verb(ADL_VERBS, "experienced", "experienced", "durchgearbeitet"),
        "answered": _verb(ADL_VERBS, "answered", "answered", "beantwortet"),
        "attempted": _verb(ADL_VERBS, "attempted", "attempted", "begonnen"),
        "progressed": _verb(ADL_VERBS, "progressed", "progressed", "fortgesetzt"),
        "passed": _verb(ADL_VERBS, "passed", "passed", "bestanden"),
        "failed": _verb(ADL_VERBS, "failed", "failed", "nicht bestanden"),
        "completed": _verb(ADL_VERBS, "completed", "completed", "abgeschlossen"),
        "attended": _verb(ADL_VERBS, "attended", "attended", "teilgenommen"),
        "terminated": _verb(ADL_VERBS, "terminated", "terminated", "beendet"),
        "voided": _verb(ADL_VERBS, "voided", "voided", "annulliert"),
        "satisfied": _verb(CMI5_VERBS, "satisfied", "satisfied", "erfüllt"),
        "abandoned": _verb(CMI5_VERBS, "abandoned", "abandoned", "abgebrochen"),
        "waived": _verb(CMI5_VERBS, "waived", "waived", "erlassen"),
        # withdrawal from a course: the Tin Can registry's verb, as ADL has none
        "unregistered": _verb(
            "http://id.tincanapi.com/verb/", "unregistered", "unregistered", "abgemeldet"
        ),
    }
)

#: Activity types, by the platform's name for the thing. Questions are
#: interaction activities, which SHOULD use cmi.interaction (Data 2.4.4.1.s13.b2).
ACTIVITY_TYPES: MappingProxyType = MappingProxyType(
    {
        "course": ADL_ACTIVITY_TYPES + "course",
        "module": ADL_ACTIVITY_TYPES + "module",
        "lesson": ADL_ACTIVITY_TYPES + "lesson",
        "assessment": ADL_ACTIVITY_TYPES + "assessment",
        "question": ADL_ACTIVITY_TYPES + "cmi.interaction",
        "session": ADL_ACTIVITY_TYPES + "meeting",
        "profile": ADL_ACTIVITY_TYPES + "profile",
    }
)

#: Context extension names; see :func:`extension_iri`.
COURSE_VERSION = "course-version"


def verb(name: str) -> dict[str, Any]:
    """The statement ``verb`` for one of :data:`VERBS`.

    :raises KeyError: for a verb outside the profile, on purpose: new verbs
        are a profile decision, not a call-site one.
    """
    return VERBS[name].as_dict()


def platform_base(base_url: str) -> str:
    """The platform's base URL in the one form every IRI is built from.

    :raises ValueError: unless it is an absolute http(s) URL without query or fragment.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"platform base URL must be an absolute http(s) URL, not {base_url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def course_iri(base_url: str, course_id: str) -> str:
    return f"{platform_base(base_url)}/xapi/activities/course/{_segment(course_id)}"


def module_iri(base_url: str, course_id: str, module_id: str) -> str:
    return f"{course_iri(base_url, course_id)}/module/{_segment(module_id)}"


def lesson_iri(base_url: str, course_id: str, module_id: str, lesson_id: str) -> str:
    return f"{module_iri(base_url, course_id, module_id)}/lesson/{_segment(lesson_id)}"


def question_iri(
    base_url: str, course_id: str, module_id: str, lesson_id: str, question_id: str
) -> str:
    lesson = lesson_iri(base_url, course_id, module_id, lesson_id)
    return f"{lesson}/question/{_segment(question_id)}"


def session_iri(base_url: str, course_id: str, session_id: str) -> str:
    """A blended-learning session (a dated meeting) of a course."""
    return f"{course_iri(base_url, course_id)}/session/{_segment(session_id)}"


def profile_iri(base_url: str) -> str:
    """The platform profile, for ``contextActivities.category`` (Data 2.4.6.2.s3.b3)."""
    return f"{platform_base(base_url)}/xapi/profile"


def extension_iri(base_url: str, name: str) -> str:
    """IRI of one of the platform's extensions, under a domain the platform controls."""
    return f"{platform_base(base_url)}/xapi/extensions/{_segment(name)}"


def course_version_extension(base_url: str, version: str | int) -> dict[str, str]:
    """Context extensions recording which published version of the course was used."""
    return {extension_iri(base_url, COURSE_VERSION): str(version)}


def activity(iri: str, kind: str, name: dict[str, str] | None = None) -> dict[str, Any]:
    """An Activity object of one of :data:`ACTIVITY_TYPES`, with an optional name map."""
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind]}
    if name:
        definition["name"] = dict(name)
    return {"objectType": "Activity", "id": iri, "definition": definition}


def learner_actor(base_url: str, opaque_id: str) -> dict[str, Any]:
    """A learner as an account on the platform, never by e-mail address.

    :raises ValueError: when ``opaque_id`` is empty or looks like an e-mail
        address, which would put personal data into every statement.
    """
    if not opaque_id or not opaque_id.strip():
        raise ValueError("a learner's opaque id must not be empty")
    if "@" in opaque_id:
        raise ValueError("a learner's account name must be opaque, not an e-mail address")
    return {
        "objectType": "Agent",
        "account": {"homePage": platform_base(base_url), "name": opaque_id},
    }


def _segment(value: str | int) -> str:
    text = str(value)
    if not text:
        raise ValueError("an id in an activity IRI must not be empty")
    return quote(text, safe="-._~")
