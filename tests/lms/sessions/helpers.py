"""Small readers shared by the session tests."""

import html
import json
import re

from sqlalchemy import select

from lms.extensions import db
from tests.conftest import csrf_token_from
from xapi.store_sql import statements as statements_table


def text_of(response) -> str:
    """The page as text: tags dropped, entities resolved, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(body))


def csrf(client, path: str) -> str:
    """The CSRF token of the form on ``path``."""
    return csrf_token_from(client.get(path).get_data(as_text=True))


def stored(verb: str) -> list[dict]:
    """Statements in the platform's LRS with the ADL verb ``verb``, with their voided flag."""
    rows = db.session.execute(
        select(statements_table.c.statement, statements_table.c.is_voided)
        .where(statements_table.c.verb_id == f"http://adlnet.gov/expapi/verbs/{verb}")
        .order_by(statements_table.c.seq))
    return [{**json.loads(statement), "_voided": is_voided} for statement, is_voided in rows]
