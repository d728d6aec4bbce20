"""Helpers for the cockpit tests (fixtures are in ``cockpit_fixtures``)."""

import re

from tests.lms.learning.quiz_helpers import ASSESSMENT, open_quiz, quiz_url


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def fail_assessment(client) -> None:
    """Submit the final assessment blank (it needs 100 %): a failed attempt."""
    page = open_quiz(client, ASSESSMENT)
    response = client.post(quiz_url(ASSESSMENT), data=page.form())
    assert response.status_code == 302, response.status_code
