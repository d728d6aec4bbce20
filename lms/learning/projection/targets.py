"""What a stored statement is about: a course, lesson or session of this platform, and whose."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from flask import current_app

from xapi import vocabulary as v

VERB_NAMES = {verb.id: name for name, verb in v.VERBS.items()}
_LESSON_TAIL = re.compile(r"^module/([^/]+)/lesson/([^/]+)$")
_SESSION_TAIL = re.compile(r"^session/([^/]+)$")
_MODULE_TAIL = re.compile(r"^module/([^/]+)$")


@dataclass(frozen=True)
class Target:
    """What a statement's object is within the platform: a course, lesson or session."""

    slug: str
    kind: str  # "course", "module", "lesson", "session" or "other"
    lesson_id: str | None = None
    session_id: str | None = None
    module_id: str | None = None


def course_prefix() -> str:
    """The IRI prefix of every course activity of this platform (``…/course/``)."""
    return v.platform_base(current_app.config["ATLAS_BASE_URL"]) + "/xapi/activities/course/"


def parse_target(iri: str, prefix: str) -> Target | None:
    """Read a course activity IRI of this platform; None for anything else."""
    if not isinstance(iri, str) or not iri.startswith(prefix):
        return None
    slug, _, tail = iri[len(prefix):].partition("/")
    slug = unquote(slug)
    if not tail:
        return Target(slug, "course")
    if match := _LESSON_TAIL.match(tail):
        return Target(slug, "lesson", lesson_id=unquote(match.group(2)))
    if match := _MODULE_TAIL.match(tail):
        return Target(slug, "module", module_id=unquote(match.group(1)))
    if match := _SESSION_TAIL.match(tail):
        return Target(slug, "session", session_id=unquote(match.group(1)))
    return Target(slug, "other")


def learner_name(statement: Mapping[str, Any], base: str) -> str | None:
    """The pseudonym of a statement's actor when it is an account of this platform."""
    account = (statement.get("actor") or {}).get("account")
    if not isinstance(account, dict) or not isinstance(account.get("homePage"), str):
        return None
    try:
        if v.platform_base(account["homePage"]) != base:
            return None
    except ValueError:
        return None
    name = account.get("name")
    return name if isinstance(name, str) else None
