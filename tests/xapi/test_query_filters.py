"""GET statements filters: agent, verb, activity, registration, related_*, since/until, refs."""

import json
import uuid
from datetime import timedelta

import pytest

from tests.xapi.store_factories import (
    ATTEMPTED,
    AUTHORITY,
    COURSE,
    HOME,
    T0,
    activity,
    learner,
    mailbox,
    make_statement,
    ref_to,
)
from xapi.isotime import format_timestamp
from xapi.query import parse_statement_params


def ids(lrs, conn, **params):
    query = parse_statement_params(
        {k: json.dumps(v) if isinstance(v, dict) else str(v) for k, v in params.items()}
    )
    return [s["id"] for s in lrs.query(conn, query).statements]


def store(lrs, conn, *statements, now=T0):
    lrs.store(conn, list(statements), authority=AUTHORITY, now=now)
    return [s["id"] for s in statements]


def test_no_filter_returns_newest_first(lrs, conn):
    first = store(lrs, conn, make_statement(), now=T0)
    second = store(lrs, conn, make_statement(), now=T0 + timedelta(seconds=1))
    assert ids(lrs, conn) == second + first
    assert ids(lrs, conn, ascending="true") == first + second


def test_agent_matches_actor_and_object(lrs, conn):
    as_actor, as_object, other = store(
        lrs,
        conn,
        make_statement(actor=learner("ada")),
        make_statement(actor=learner("trainer"), object=learner("ada")),
        make_statement(actor=learner("bob")),
    )
    assert set(ids(lrs, conn, agent=learner("ada"))) == {as_actor, as_object}


def test_agent_matches_members_of_actor_group(lrs, conn):
    team = {"objectType": "Group", "name": "Team", "member": [learner("ada"), learner("bob")]}
    (in_group,) = store(lrs, conn, make_statement(actor=team))
    assert ids(lrs, conn, agent=learner("bob")) == [in_group]


def test_identified_group_is_matched_by_its_ifi(lrs, conn):
    group = {"objectType": "Group", "mbox": "mailto:team@campus.example"}
    (by_group,) = store(lrs, conn, make_statement(actor=group))
    assert ids(lrs, conn, agent={"mbox": "mailto:team@CAMPUS.example"}) == [by_group]


@pytest.mark.parametrize(
    "place",
    [
        lambda a: {"context": {"instructor": a}},
        lambda a: {"context": {"team": {"objectType": "Group", "member": [a]}}},
        lambda a: {"context": {"contextAgents": [{"objectType": "contextAgent", "agent": a}]}},
        lambda a: {
            "object": {
                "objectType": "SubStatement",
                "actor": a,
                "verb": {"id": ATTEMPTED},
                "object": activity("sub"),
            }
        },
    ],
    ids=["instructor", "team-member", "context-agent", "substatement-actor"],
)
def test_related_agents_widens_the_agent_filter(lrs, conn, place):
    (found,) = store(lrs, conn, make_statement(**place(learner("ada"))))
    assert ids(lrs, conn, agent=learner("ada")) == []
    assert ids(lrs, conn, agent=learner("ada"), related_agents="true") == [found]


def test_related_agents_includes_authority(lrs, conn):
    (found,) = store(lrs, conn, make_statement())
    assert ids(lrs, conn, agent=AUTHORITY) == []
    assert ids(lrs, conn, agent=AUTHORITY, related_agents="true") == [found]


def test_mbox_domain_is_case_insensitive(lrs, conn):
    (found,) = store(lrs, conn, make_statement(actor=mailbox("Ada@Campus.Example")))
    assert ids(lrs, conn, agent={"mbox": "mailto:Ada@campus.example"}) == [found]
    assert ids(lrs, conn, agent={"mbox": "mailto:ada@campus.example"}) == []


def test_verb_filter(lrs, conn):
    completed, attempted = store(
        lrs, conn, make_statement(), make_statement(verb={"id": ATTEMPTED})
    )
    assert ids(lrs, conn, verb=ATTEMPTED) == [attempted]


def test_activity_filter_and_related_activities(lrs, conn):
    lesson = make_statement()
    in_course = make_statement(object=activity("other"))
    sub = make_statement(
        object={
            "objectType": "SubStatement",
            "actor": learner("ada"),
            "verb": {"id": ATTEMPTED},
            "object": {"id": COURSE},
        },
        context=None,
    )
    store(lrs, conn, lesson, in_course, sub)
    assert ids(lrs, conn, activity=lesson["object"]["id"]) == [lesson["id"]]
    assert ids(lrs, conn, activity=COURSE) == []
    assert set(ids(lrs, conn, activity=COURSE, related_activities="true")) == {
        lesson["id"],
        in_course["id"],
        sub["id"],
    }


def test_registration_filter(lrs, conn):
    registration = str(uuid.uuid4())
    (with_reg,) = store(
        lrs,
        conn,
        make_statement(context={"registration": registration}),
    )
    store(lrs, conn, make_statement(context={"registration": str(uuid.uuid4())}))
    assert ids(lrs, conn, registration=registration.upper()) == [with_reg]


def test_filters_combine(lrs, conn):
    wanted, _wrong_verb, _wrong_agent = store(
        lrs,
        conn,
        make_statement(actor=learner("ada")),
        make_statement(actor=learner("ada"), verb={"id": ATTEMPTED}),
        make_statement(actor=learner("bob")),
    )
    lesson = f"{HOME}/courses/brakes/lessons/1"
    got = ids(lrs, conn, agent=learner("ada"), verb=make_statement()["verb"]["id"], activity=lesson)
    assert got == [wanted]


def test_since_is_exclusive_and_until_inclusive(lrs, conn):
    times = [T0 + timedelta(minutes=i) for i in range(4)]
    stored = [store(lrs, conn, make_statement(), now=t)[0] for t in times]
    since, until = format_timestamp(times[0]), format_timestamp(times[2])
    assert ids(lrs, conn, since=since, until=until) == [stored[2], stored[1]]


def test_statement_refs_match_through_their_target(lrs, conn):
    target = make_statement(actor=learner("ada"))
    comment = ref_to(target["id"])
    comment_on_comment = ref_to(comment["id"])
    unrelated = make_statement(actor=learner("bob"))
    store(lrs, conn, target, comment, comment_on_comment, unrelated)
    assert ids(lrs, conn, agent=learner("ada")) == [
        comment_on_comment["id"],
        comment["id"],
        target["id"],
    ]


def test_statement_ref_chain_closes_when_target_arrives_late(lrs, conn):
    target = make_statement(actor=learner("ada"))
    middle = ref_to(target["id"])
    outer = ref_to(middle["id"])
    store(lrs, conn, outer, now=T0)
    store(lrs, conn, middle, now=T0 + timedelta(seconds=1))
    store(lrs, conn, target, now=T0 + timedelta(seconds=2))
    assert ids(lrs, conn, agent=learner("ada")) == [target["id"], middle["id"], outer["id"]]


def test_time_window_applies_to_the_referring_statement(lrs, conn):
    target = make_statement(actor=learner("ada"))
    comment = ref_to(target["id"])
    store(lrs, conn, target, now=T0)
    store(lrs, conn, comment, now=T0 + timedelta(hours=1))
    since = format_timestamp(T0 + timedelta(minutes=1))
    assert ids(lrs, conn, agent=learner("ada"), since=since) == [comment["id"]]


@pytest.mark.parametrize("ascending", ["false", "true"])
def test_time_window_far_from_now(lrs, conn, ascending):
    hours = [store(lrs, conn, make_statement(), now=T0 + timedelta(hours=h))[0] for h in range(10)]
    since, until = (
        format_timestamp(T0 + timedelta(hours=2)),
        format_timestamp(T0 + timedelta(hours=5)),
    )
    got = ids(lrs, conn, since=since, until=until, ascending=ascending)
    assert got == (hours[3:6] if ascending == "true" else hours[5:2:-1])


def test_time_window_tolerates_stored_out_of_seq_order(lrs, conn):
    later = store(lrs, conn, make_statement(), now=T0 + timedelta(minutes=2))
    earlier = store(lrs, conn, make_statement(), now=T0 + timedelta(minutes=1))
    until = format_timestamp(T0 + timedelta(minutes=1))
    since = format_timestamp(T0 + timedelta(minutes=1))
    assert ids(lrs, conn, until=until) == earlier
    assert ids(lrs, conn, since=since) == later
