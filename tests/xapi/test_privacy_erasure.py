"""Erasure and export of one agent's statements and documents."""

import json

import pytest
from sqlalchemy import func, select

from tests.xapi.store_factories import (
    ATTEMPTED,
    AUTHORITY,
    HOME,
    T0,
    activity,
    learner,
    make_statement,
    voiding,
)
from xapi import documents as docs
from xapi import outbox
from xapi.privacy import erase_agent, export_agent
from xapi.query import SingleStatementQuery, StatementQuery
from xapi.statement_store import AttachmentData
from xapi.store_errors import BadRequestError, NotFoundError
from xapi.store_sql import (
    attachments,
    statement_activities,
    statement_agents,
    statement_refs,
)
from xapi.store_sql import (
    outbox as outbox_table,
)

ADA = learner("ada")


def all_ids(lrs, conn):
    return {s["id"] for s in lrs.query(conn, StatementQuery()).statements}


def rows(conn, table):
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize(
    "place",
    [
        lambda a: {"actor": a},
        lambda a: {"object": a},
        lambda a: {"actor": {"objectType": "Group", "member": [learner("bob"), a]}},
        lambda a: {"context": {"instructor": a}},
        lambda a: {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": a}]}},
        lambda a: {
            "object": {
                "objectType": "SubStatement",
                "actor": a,
                "verb": {"id": ATTEMPTED},
                "object": activity("x"),
            },
            "context": None,
        },
    ],
    ids=["actor", "object", "member", "instructor", "context-agent", "substatement"],
)
def test_every_statement_mentioning_the_agent_goes(lrs, conn, place):
    mentioning = make_statement(**{"actor": learner("bob"), **place(ADA)})
    other = make_statement(actor=learner("bob"))
    lrs.store(conn, [mentioning, other], authority=AUTHORITY)
    report = erase_agent(conn, ADA)
    assert report.statements == 1
    assert all_ids(lrs, conn) == {other["id"]}
    with pytest.raises(NotFoundError):
        lrs.get_statement(conn, SingleStatementQuery(statement_id=mentioning["id"]))


def test_index_rows_outbox_and_attachments_go_too(lrs, conn):
    outbox.add_upstream(conn, "central", "http://127.0.0.1:9/", now=T0)
    sha2 = "c" * 64
    sent = make_statement(
        actor=ADA,
        attachments=[
            {
                "usageType": f"{HOME}/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 1,
                "sha2": sha2,
            }
        ],
    )
    lrs.store(
        conn,
        [sent],
        authority=AUTHORITY,
        now=T0,
        attachment_data={sha2: AttachmentData(sha2, "text/plain", b"x")},
    )
    erase_agent(conn, ADA)
    for table in (statement_agents, statement_activities, outbox_table, attachments):
        assert rows(conn, table) == 0


def test_statements_where_the_agent_is_only_authority_stay(lrs, conn):
    kept = make_statement(actor=learner("bob"))
    lrs.store(conn, [kept], authority=ADA)
    report = erase_agent(conn, ADA)
    assert (report.statements, report.authority_only) == (0, 1)
    assert all_ids(lrs, conn) == {kept["id"]}


def test_statements_voided_by_an_erased_statement_reappear(lrs, conn):
    target = make_statement(actor=learner("bob"))
    lrs.store(conn, [target, voiding(target["id"], actor=ADA)], authority=AUTHORITY)
    assert all_ids(lrs, conn) != {target["id"]}
    erase_agent(conn, ADA)
    assert all_ids(lrs, conn) == {target["id"]}
    assert rows(conn, statement_refs) == 0


def test_documents_of_the_agent_go(lrs, conn):
    docs.put_document(
        conn, docs.state_key(f"{HOME}/a", ADA, "s"), b"{}", "application/json", now=T0
    )
    docs.put_document(conn, docs.agent_profile_key(ADA, "p"), b"{}", "application/json", now=T0)
    bob_state = docs.state_key(f"{HOME}/a", learner("bob"), "s")
    docs.put_document(conn, bob_state, b"{}", "application/json", now=T0)
    assert erase_agent(conn, ADA).documents == 2
    assert docs.get_document(conn, bob_state)


def test_export_contains_statements_and_documents(lrs, conn):
    mine = make_statement(actor=ADA)
    about_me = make_statement(actor=learner("trainer"), object=ADA)
    lrs.store(conn, [mine, about_me, make_statement(actor=learner("bob"))], authority=AUTHORITY)
    lrs.store(conn, [voiding(mine["id"])], authority=AUTHORITY)
    docs.put_document(
        conn, docs.state_key(f"{HOME}/a", ADA, "s"), b'{"page": 2}', "application/json", now=T0
    )
    docs.put_document(conn, docs.agent_profile_key(ADA, "photo"), b"\x89PNG", "image/png", now=T0)
    exported = json.loads(json.dumps(export_agent(conn, ADA)))
    assert [s["id"] for s in exported["statements"]] == [mine["id"], about_me["id"]]
    assert exported["documents"] == [
        {
            "kind": "state",
            "id": "s",
            "contentType": "application/json",
            "updated": "2024-05-01T08:00:00.000Z",
            "activityId": f"{HOME}/a",
            "content": {"page": 2},
        },
        {
            "kind": "agent_profile",
            "id": "photo",
            "contentType": "image/png",
            "updated": "2024-05-01T08:00:00.000Z",
            "contentBase64": "iVBORw==",
        },
    ]


def test_agent_needs_an_identifier(conn):
    with pytest.raises(BadRequestError):
        erase_agent(conn, {"name": "Ada"})
