"""GET statements parameters and formats: what is refused, and what ids/canonical return."""

import json

import pytest

from tests.xapi.store_factories import AUTHORITY, COURSE, HOME, activity, learner, make_statement
from xapi.query import SingleStatementQuery, StatementQuery, parse_statement_params
from xapi.store_errors import BadRequestError

ID = "0b6e5b2c-6a0e-4a4c-9a43-6c1a2f3c8c11"


@pytest.mark.parametrize(
    "params",
    [
        {"Verb": "http://x"},
        {"unknown": "1"},
        {"statementId": ID, "voidedStatementId": ID},
        {"statementId": ID, "verb": "http://x"},
        {"voidedStatementId": ID, "limit": "1"},
        {"statementId": "not-a-uuid"},
        {"ascending": "yes"},
        {"limit": "-1"},
        {"limit": "ten"},
        {"format": "full"},
        {"agent": "{not json"},
        {"agent": '{"name": "no ifi"}'},
        {"agent": '{"mbox": "ada@example.org"}'},
        {"agent": '{"mbox": "mailto:a@example.org", "openid": "http://a"}'},
        {"since": "yesterday"},
        {"registration": "abc"},
    ],
)
def test_bad_parameters_are_rejected(params):
    with pytest.raises(BadRequestError) as caught:
        parse_statement_params(params)
    assert caught.value.status_code == 400


def test_single_statement_allows_format_and_attachments():
    query = parse_statement_params(
        {"statementId": ID.upper(), "format": "ids", "attachments": "true"}
    )
    assert query == SingleStatementQuery(statement_id=ID, format="ids", attachments=True)


def test_query_round_trips_through_params():
    params = {
        "agent": json.dumps(learner("ada")),
        "verb": "http://adlnet.gov/expapi/verbs/completed",
        "activity": COURSE,
        "registration": ID,
        "related_activities": "true",
        "related_agents": "true",
        "since": "2024-05-01T08:00:00.000Z",
        "until": "2024-05-02T08:00:00.000Z",
        "limit": "10",
        "format": "canonical",
        "attachments": "true",
        "ascending": "true",
    }
    query = parse_statement_params(params)
    assert isinstance(query, StatementQuery)
    assert parse_statement_params(query.to_params()) == query


def test_format_ids_reduces_agents_activities_and_verbs(lrs, conn):
    sent = make_statement(
        actor=learner("ada", name="Ada"),
        context={
            "instructor": learner("trainer", name="T"),
            "contextActivities": {"parent": [{"id": COURSE, "definition": {"name": {"en": "C"}}}]},
        },
    )
    lrs.store(conn, [sent], authority=AUTHORITY)
    (got,) = lrs.query(conn, StatementQuery(format="ids")).statements
    assert got["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": "ada"}}
    assert got["verb"] == {"id": sent["verb"]["id"]}
    assert got["object"] == {"id": sent["object"]["id"]}
    assert got["context"]["instructor"] == {
        "objectType": "Agent",
        "account": {"homePage": HOME, "name": "trainer"},
    }
    assert got["context"]["contextActivities"]["parent"] == [{"id": COURSE}]


def test_format_canonical_uses_canonical_definitions_and_one_language(lrs, conn):
    older = make_statement(object=activity("a", name={"en-US": "Brakes", "de-DE": "Bremsen"}))
    newer = make_statement(
        object=activity("a", description={"en-US": "About brakes"}),
        verb={
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed", "de-DE": "abgeschlossen"},
        },
    )
    lrs.store(conn, [older], authority=AUTHORITY)
    lrs.store(conn, [newer], authority=AUTHORITY)
    page = lrs.query(conn, StatementQuery(format="canonical"), accept_language="de-DE, en;q=0.5")
    latest = page.statements[0]
    assert latest["object"]["definition"] == {
        "name": {"de-DE": "Bremsen"},
        "description": {"en-US": "About brakes"},
    }
    assert latest["verb"]["display"] == {"de-DE": "abgeschlossen"}


def test_format_exact_returns_what_was_received(lrs, conn):
    sent = make_statement(object=activity("a", name={"en-US": "Brakes", "de-DE": "Bremsen"}))
    lrs.store(conn, [sent], authority=AUTHORITY)
    lrs.store(
        conn, [make_statement(object=activity("a", name={"fr": "Freins"}))], authority=AUTHORITY
    )
    got = lrs.get_statement(conn, SingleStatementQuery(statement_id=sent["id"])).statement
    assert got["object"] == sent["object"]
