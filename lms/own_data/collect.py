"""What the platform holds about a person: the account's section, every area's sections
gathered through ``lms_personal_data``, and the person's xAPI statements from the LRS."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _

from lms.accounts.models import User
from lms.extensions import db
from lms.lrs.embedded import platform_lrs
from lms.plugins import hooks
from xapi.query import StatementQuery


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def account_sections(user: User) -> list[dict[str, Any]]:
    """The account: profile, organisation and roles."""
    membership = user.membership
    profile = {
        "name": user.name, "email": user.email, "language": user.locale,
        "pseudonym": user.pseudonym, "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at), "roles": user.role_names,
    }
    items = [profile]
    if membership is not None:
        items.append({
            "organisation": membership.organisation.name,
            "department": membership.department.name if membership.department else None,
            "role_in_organisation": membership.role,
            "personnel_number": membership.personnel_number or None,
        })
    return [{
        "key": "account",
        "title": _("Konto und Unternehmen"),
        "employer_sees": _("Ihr Unternehmen sieht Ihren Namen, Ihre E-Mail-Adresse, Abteilung, "
                           "Personalnummer und Rolle. Ihr Pseudonym erscheint in den "
                           "Lernaufzeichnungen (xAPI) statt Ihres Namens."),
        "items": items,
    }]


def personal_data(user: User) -> list[dict[str, Any]]:
    """Every section every plugin holds about ``user``."""
    return [section for batch in hooks().lms_personal_data(user=user) for section in batch or []]


def statements_json(agent: dict[str, Any]) -> Iterator[str]:
    """The xAPI statements about ``agent`` (the person as the LRS knows them) as a JSON array,
    oldest first, page by page."""
    lrs = platform_lrs()
    connection = db.session.connection()
    result = lrs.query(connection, StatementQuery(agent=agent, ascending=True))
    yield "["
    first = True
    while True:
        for statement in result.statements:
            yield ("" if first else ",\n") + json.dumps(statement, ensure_ascii=False)
            first = False
        if not result.more:
            break
        token = parse_qs(urlsplit(result.more).query)["more"][0]
        result = lrs.query_more(connection, token)
    yield "]\n"
