"""The read API for the store's consumers (xapi.reads) and voiding by the own authority only."""

import uuid
from datetime import timedelta

from tests.xapi.store_factories import (
    AUTHORITY,
    COMPLETED,
    HOME,
    T0,
    activity,
    learner,
    make_statement,
    voiding,
)
from xapi import reads
from xapi.lrs import LRS

CLIENT = {"objectType": "Agent", "account": {"homePage": HOME, "name": "client-key"}}


def test_find_statements_filters_by_verb_registration_actor_activity_and_authority(lrs, conn):
    registration = str(uuid.uuid4())
    context = {"registration": registration}
    own = make_statement(context=context)
    foreign = make_statement(context=context)
    other_registration = make_statement(context={"registration": str(uuid.uuid4())})
    lrs.store(conn, [own, other_registration], authority=AUTHORITY, now=T0)
    lrs.store(conn, [foreign], authority=CLIENT, now=T0 + timedelta(seconds=1))
    found = reads.find_statements(conn, verb_id=COMPLETED, registrations=[registration.upper()])
    assert [f.statement["id"] for f in found] == [own["id"], foreign["id"]]
    found = reads.find_statements(conn, verb_id=COMPLETED, registrations=[registration],
                                  authority=AUTHORITY, actor=own["actor"],
                                  activity_id=own["object"]["id"], limit=1)
    assert [f.statement["id"] for f in found] == [own["id"]]
    assert found[0].registration == registration and found[0].stored == T0
    assert reads.find_statements(conn, verb_id=COMPLETED, actor=learner("nobody")) == []


def test_voided_ids_statements_by_id_and_paging_about_activities(lrs, conn):
    first = make_statement(object=activity("course/a/lesson/1"))
    second = make_statement(object=activity("course/a/lesson/2"), actor=learner("bert"))
    elsewhere = make_statement(object=activity("course/b/lesson/1"))
    lrs.store(conn, [first, second, elsewhere], authority=AUTHORITY, now=T0)
    void = voiding(first["id"])
    lrs.store(conn, [void], authority=AUTHORITY, now=T0 + timedelta(seconds=1))
    assert reads.voided_ids(conn, [first["id"], second["id"], "nope"]) == {first["id"]}
    assert [s["id"] for s in reads.statements_by_id(conn, [first["id"].upper()])] == [
        first["id"]]
    pages = list(reads.iter_statements_about(conn, [f"{HOME}/course/a/"], page=1))
    assert [[s["id"] for s in page] for page in pages] == [[second["id"]]]
    by_actor = list(reads.iter_statements_about(conn, [f"{HOME}/course/"],
                                                actors=[learner("bert")]))
    assert [s["id"] for page in by_actor for s in page] == [second["id"]]
    assert list(reads.iter_statements_about(conn, [])) == []


def test_void_own_only_leaves_other_authorities_statements_alone(conn):
    lrs = LRS(secret=b"s", void_own_only=True)
    platform, clients = make_statement(), make_statement()
    lrs.store(conn, [platform], authority=AUTHORITY, now=T0)
    lrs.store(conn, [clients], authority=CLIENT, now=T0)
    refused = lrs.voiding_refused(conn, [voiding(platform["id"])], CLIENT)
    assert [target for target, _owner in refused] == [platform["id"]]
    assert lrs.voiding_refused(conn, [voiding(clients["id"])], CLIENT) == []
    lrs.store(conn, [voiding(platform["id"]), voiding(clients["id"])], authority=CLIENT,
              now=T0 + timedelta(seconds=1))
    assert reads.voided_ids(conn, [platform["id"], clients["id"]]) == {clients["id"]}
    early = make_statement()  # a voiding that arrives first still needs the same authority
    lrs.store(conn, [voiding(early["id"])], authority=CLIENT, now=T0)
    lrs.store(conn, [early], authority=AUTHORITY, now=T0 + timedelta(seconds=2))
    assert reads.voided_ids(conn, [early["id"]]) == set()
