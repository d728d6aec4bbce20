"""Storing statements: assigned properties, all-or-nothing batches, resends and conflicts."""

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.xapi.store_factories import (
    AUTHORITY,
    COURSE,
    HOME,
    T0,
    activity,
    learner,
    make_statement,
)
from xapi import validate_statement
from xapi.agents import ROLE_ACTOR, ROLE_AUTHORITY, ROLE_INSTRUCTOR, agent_key
from xapi.query import SingleStatementQuery, parse_statement_params
from xapi.statement_store import AttachmentData
from xapi.store_errors import BadRequestError, ConflictError
from xapi.store_sql import (
    activities,
    statement_activities,
    statement_agents,
    statement_attachments,
    statements,
)


def count(conn, table=statements) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def fetch(lrs, conn, statement_id):
    return lrs.get_statement(conn, SingleStatementQuery(statement_id=statement_id)).statement


def test_factory_statements_are_valid():
    validate_statement(make_statement(), "2.0.0")
    validate_statement(make_statement(), "1.0.3")


def test_store_assigns_lrs_properties(lrs, conn):
    sent = make_statement(id=None)
    result = lrs.store(conn, [sent], authority=AUTHORITY, version="2.0.0", now=T0)
    stored = fetch(lrs, conn, result.ids[0])
    assert uuid.UUID(result.ids[0])
    assert stored["id"] == result.ids[0]
    assert stored["stored"] == "2024-05-01T08:00:00.000Z"
    assert stored["timestamp"] == stored["stored"]
    assert stored["authority"] == AUTHORITY
    assert stored["version"] == "2.0.0"
    assert {k: v for k, v in stored.items() if k in sent} == sent


@pytest.mark.parametrize(("header", "expected"), [("1.0.3", "1.0.0"), ("2.0.0", "2.0.0")])
def test_version_follows_the_request_unless_given(lrs, conn, header, expected):
    plain, versioned = make_statement(), make_statement(version="1.0.0")
    lrs.store(conn, [plain, versioned], authority=AUTHORITY, version=header)
    assert fetch(lrs, conn, plain["id"])["version"] == expected
    assert fetch(lrs, conn, versioned["id"])["version"] == "1.0.0"


def test_client_timestamp_is_kept(lrs, conn):
    sent = make_statement(timestamp="2024-04-30T10:00:00.123+02:00")
    lrs.store(conn, [sent], authority=AUTHORITY, now=T0)
    assert fetch(lrs, conn, sent["id"])["timestamp"] == "2024-04-30T10:00:00.123+02:00"


def test_authority_is_replaced_unless_trusted(lrs, conn):
    claimed = {"objectType": "Agent", "mbox": "mailto:someone@example.org"}
    replaced, trusted = make_statement(authority=claimed), make_statement(authority=claimed)
    lrs.store(conn, [replaced], authority=AUTHORITY)
    lrs.store(conn, [trusted], authority=AUTHORITY, trust_authority=True)
    assert fetch(lrs, conn, replaced["id"])["authority"] == AUTHORITY
    assert fetch(lrs, conn, trusted["id"])["authority"] == claimed


def test_ids_are_returned_in_request_order(lrs, conn):
    batch = [make_statement() for _ in range(5)] + [make_statement(id=None)]
    result = lrs.store(conn, batch, authority=AUTHORITY)
    assert result.ids[:5] == [s["id"] for s in batch[:5]]
    assert len(result.ids) == 6
    assert [s["id"] for s in result.statements] == result.ids


def test_identical_resend_is_a_noop(lrs, conn):
    sent = make_statement(timestamp="2024-04-30T10:00:00Z")
    lrs.store(conn, [sent], authority=AUTHORITY, now=T0)
    again = lrs.store(conn, [dict(sent)], authority=AUTHORITY, now=T0 + timedelta(hours=1))
    assert not again.created
    assert count(conn) == 1
    assert fetch(lrs, conn, sent["id"])["stored"] == "2024-05-01T08:00:00.000Z"


@pytest.mark.parametrize(
    "variant",
    [
        # differences the LRS must ignore (Data 2.3.1)
        lambda s: {**s, "verb": {"id": s["verb"]["id"], "display": {"de-DE": "abgeschlossen"}}},
        lambda s: {**s, "object": {**s["object"], "definition": {"name": {"fr": "Leçon"}}}},
        lambda s: {**s, "id": s["id"].upper()},
        lambda s: {**s, "authority": {"objectType": "Agent", "mbox": "mailto:x@example.org"}},
        lambda s: {k: v for k, v in s.items() if k != "timestamp"},
    ],
    ids=["verb-display", "activity-definition", "id-case", "authority", "no-timestamp"],
)
def test_resend_with_ignorable_differences_is_accepted(lrs, conn, variant):
    sent = make_statement(timestamp="2024-04-30T10:00:00Z")
    lrs.store(conn, [sent], authority=AUTHORITY)
    assert not lrs.store(conn, [variant(sent)], authority=AUTHORITY).created


def test_resend_without_timestamp_matches_when_lrs_assigned_it(lrs, conn):
    sent = make_statement()
    lrs.store(conn, [sent], authority=AUTHORITY, now=T0)
    late = lrs.store(conn, [{**sent, "timestamp": "2023-01-01T00:00:00Z"}], authority=AUTHORITY)
    assert not late.created


@pytest.mark.parametrize(
    "variant",
    [
        lambda s: {**s, "actor": learner("learner-2")},
        lambda s: {**s, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}},
        lambda s: {**s, "result": {"success": True}},
        lambda s: {**s, "timestamp": "2024-04-30T10:00:01Z"},
    ],
    ids=["actor", "verb", "result", "timestamp"],
)
def test_different_statement_under_same_id_conflicts(lrs, conn, variant):
    sent = make_statement(timestamp="2024-04-30T10:00:00Z")
    lrs.store(conn, [sent], authority=AUTHORITY)
    with pytest.raises(ConflictError) as caught:
        lrs.store(conn, [variant(sent)], authority=AUTHORITY)
    assert caught.value.status_code == 409


def test_batch_is_all_or_nothing(lrs, engine):
    existing = make_statement()
    with engine.begin() as conn:
        lrs.store(conn, [existing], authority=AUTHORITY)
    batch = [make_statement(), make_statement(), {**existing, "actor": learner("other")}]
    with pytest.raises(ConflictError), engine.begin() as conn:
        lrs.store(conn, batch, authority=AUTHORITY)
    with engine.connect() as conn:
        assert count(conn) == 1
        assert count(conn, statement_agents) == 2  # actor and authority of the first


def test_same_id_twice_in_a_batch_is_rejected(lrs, conn):
    sent = make_statement()
    with pytest.raises(BadRequestError):
        lrs.store(conn, [sent, {**sent, "id": sent["id"].upper()}], authority=AUTHORITY)
    assert count(conn) == 0


def test_put_checks_the_id_parameter(lrs, conn):
    sent = make_statement()
    with pytest.raises(BadRequestError):
        lrs.put(conn, str(uuid.uuid4()), sent, authority=AUTHORITY)
    body_without_id = {k: v for k, v in sent.items() if k != "id"}
    result = lrs.put(conn, sent["id"].upper(), body_without_id, authority=AUTHORITY)
    assert result.created and result.ids == [sent["id"]]
    assert not lrs.put(conn, sent["id"], sent, authority=AUTHORITY).created


def test_index_rows_record_roles(lrs, conn):
    instructor = learner("trainer")
    sent = make_statement(
        context={
            "instructor": instructor,
            "contextActivities": {"parent": [{"id": COURSE}], "grouping": {"id": f"{HOME}/g"}},
        }
    )
    lrs.store(conn, [sent], authority=AUTHORITY)
    agents = {r.agent_key: (r.roles, r.is_direct) for r in conn.execute(select(statement_agents))}
    assert agents == {
        agent_key(learner("learner-1")): (ROLE_ACTOR, True),
        agent_key(AUTHORITY): (ROLE_AUTHORITY, False),
        agent_key(instructor): (ROLE_INSTRUCTOR, False),
    }
    found = {r.activity_id: r.is_direct for r in conn.execute(select(statement_activities))}
    assert found == {sent["object"]["id"]: True, COURSE: False, f"{HOME}/g": False}


def test_activity_definitions_merge_language_maps(lrs, conn):
    first = make_statement(object=activity("a", name={"en-US": "Brakes"}, type=f"{HOME}/t/1"))
    second = make_statement(object=activity("a", name={"de-DE": "Bremsen"}, type=f"{HOME}/t/2"))
    lrs.store(conn, [first], authority=AUTHORITY)
    lrs.store(conn, [second], authority=AUTHORITY)
    assert lrs.get_activity(conn, f"{HOME}/a") == {
        "objectType": "Activity",
        "id": f"{HOME}/a",
        "definition": {"name": {"en-US": "Brakes", "de-DE": "Bremsen"}, "type": f"{HOME}/t/2"},
    }
    assert count(conn, activities) == 1


def test_unknown_activity_is_returned_bare(lrs, conn):
    assert lrs.get_activity(conn, f"{HOME}/nothing") == {
        "objectType": "Activity",
        "id": f"{HOME}/nothing",
    }


def test_person_lists_names_seen(lrs, conn):
    lrs.store(conn, [make_statement(actor=learner("p1", name="Ada"))], authority=AUTHORITY)
    lrs.store(conn, [make_statement(actor=learner("p1", name="Ada L."))], authority=AUTHORITY)
    person = lrs.get_person(conn, learner("p1"))
    assert person == {
        "objectType": "Person",
        "name": ["Ada L.", "Ada"],
        "account": [{"homePage": HOME, "name": "p1"}],
    }
    assert lrs.get_person(conn, learner("nobody")) == {
        "objectType": "Person",
        "account": [{"homePage": HOME, "name": "nobody"}],
    }


def test_person_requires_an_identified_agent(lrs, conn):
    with pytest.raises(BadRequestError):
        lrs.get_person(conn, {"name": "no identifier"})


def test_attachment_data_is_stored_and_linked(lrs, conn):
    content = b"certificate"
    sha2 = "a" * 64
    sent = make_statement(
        attachments=[
            {
                "usageType": f"{HOME}/usage/certificate",
                "display": {"en-US": "certificate"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
            }
        ]
    )
    data = {sha2: AttachmentData(sha2=sha2, content_type="text/plain", content=content)}
    lrs.store(conn, [sent], authority=AUTHORITY, attachment_data=data)
    reply = lrs.get_statement(conn, SingleStatementQuery(statement_id=sent["id"], attachments=True))
    assert reply.attachment_sha2s == [sha2]
    assert lrs.load_attachments(conn, [sha2])[sha2].content == content
    assert count(conn, statement_attachments) == 1


def test_statements_after_follows_the_store_in_order(lrs, conn):
    batch = [make_statement() for _ in range(7)]
    lrs.store(conn, batch, authority=AUTHORITY)
    first = lrs.statements_after(conn, 0, limit=4)
    rest = lrs.statements_after(conn, first[-1][0], limit=4)
    assert [s["id"] for _seq, s in first + rest] == [s["id"] for s in batch]


def test_stored_json_is_compact_and_utf8(lrs, conn):
    sent = make_statement(actor=learner("l-ü", name="Jürgen"))
    lrs.store(conn, [sent], authority=AUTHORITY)
    text = conn.execute(select(statements.c.statement)).scalar_one()
    assert "Jürgen" in text and ", " not in text
    assert json.loads(text)["actor"]["name"] == "Jürgen"


@pytest.mark.parametrize("fmt", ["exact", "ids", "canonical"])
def test_context_activities_come_back_as_arrays(lrs, conn, fmt):
    """Data 2.4.6.2, XAPI-00096: single context activities are returned as arrays, in
    the statement and in its SubStatement, whatever the format."""
    single = {"parent": {"id": COURSE}, "grouping": {"id": f"{HOME}/g"},
              "category": {"id": f"{HOME}/c"}, "other": [{"id": f"{HOME}/o"}]}
    sub = {
        "objectType": "SubStatement",
        "actor": learner("learner-2"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": f"{HOME}/s"},
        "context": {"contextActivities": {"category": {"id": f"{HOME}/sc"}}},
    }
    sent = make_statement(context={"contextActivities": single}, object=sub)
    validate_statement(sent, "2.0.0")
    lrs.store(conn, [sent], authority=AUTHORITY, version="2.0.0", now=T0)
    got = lrs.get_statement(
        conn, SingleStatementQuery(statement_id=sent["id"], format=fmt)
    ).statement
    activities = got["context"]["contextActivities"]
    assert all(type(value) is list for value in activities.values())
    assert [a["id"] for a in activities["parent"]] == [COURSE]
    assert [a["id"] for a in got["object"]["context"]["contextActivities"]["category"]] == [
        f"{HOME}/sc"
    ]
    page = lrs.query(conn, parse_statement_params({"format": fmt}))
    assert type(page.statements[0]["context"]["contextActivities"]["grouping"]) is list


def test_context_activities_stored_as_objects_before_are_returned_as_arrays(lrs, conn):
    """Rows written before the store wrapped them are wrapped on the way out."""
    sent = make_statement(context={"contextActivities": {"parent": {"id": COURSE}}})
    lrs.store(conn, [sent], authority=AUTHORITY, version="2.0.0", now=T0)
    conn.execute(
        statements.update()
        .where(statements.c.id == sent["id"])
        .values(statement=json.dumps({**fetch(lrs, conn, sent["id"]), "context": sent["context"]}))
    )
    assert fetch(lrs, conn, sent["id"])["context"]["contextActivities"]["parent"] == [
        {"id": COURSE}
    ]
