"""Fixtures for the learning tests: a real course, learners, LRS helpers, hook recorders."""

import json

import pytest
from sqlalchemy import select

from lms.catalog.models import Course
from lms.db import utcnow
from lms.extensions import db
from lms.learning import statements as builders
from lms.plugins import hookimpl
from tests.factories import make_user
from xapi import vocabulary as v
from xapi.agents import agent_key
from xapi.store_sql import statements as statement_table

VERB_NAMES = {verb.id: name for name, verb in v.VERBS.items()}


@pytest.fixture
def emobility(import_real) -> Course:  # noqa: F811
    """The real e-mobility course, imported and published."""
    return import_real("e-mobility")[0].version.course


@pytest.fixture
def learner(app):
    return make_user(name="Lena Lernende")


def stored_statements(user, verb: str | None = None) -> list[dict]:
    """The statements whose actor is ``user``, oldest first (voided ones left out)."""
    key = agent_key(builders.learner(user))
    query = select(statement_table.c.statement).where(
        statement_table.c.actor_key == key, statement_table.c.is_voided.is_(False)
    ).order_by(statement_table.c.seq)
    rows = [json.loads(text) for text in db.session.execute(query).scalars()]
    if verb is not None:
        rows = [s for s in rows if VERB_NAMES.get(s["verb"]["id"]) == verb]
    return rows


class CompletionRecorder:
    """A plugin object that records lms_course_completed calls."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def lms_course_completed(self, user, course, completed_at):
        self.calls.append((user.id, course.id, completed_at))


@pytest.fixture
def completions(app):
    recorder = CompletionRecorder()
    manager = app.extensions["atlas_plugins"]
    manager.register(recorder, name="test-completion-recorder")
    try:
        yield recorder
    finally:
        manager.unregister(name="test-completion-recorder")


def login(client, auth, user):
    response = auth.login(user.email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def now():
    return utcnow()
