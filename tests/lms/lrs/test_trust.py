"""Trust rules of the LRS binding: who may void what, who may read learners' pseudonyms,
and the grants that let a client credit progress (issue 21)."""

import json

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.lrs import services
from lms.lrs.embedded import record_statement
from lms.lrs.models import LrsCreditGrant
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.lms.lrs.builders import learner, statement, voiding
from xapi.store_sql import statements as statement_table


def _is_voided(statement_id: str) -> bool:
    return db.session.execute(
        select(statement_table.c.is_voided).where(statement_table.c.id == statement_id)
    ).scalar_one()


def test_a_client_cannot_void_the_platforms_statements(app, caller, make_client):
    platform_id = record_statement(statement(), utcnow())
    _client, auth = make_client("all", name="Full access tool")
    db.session.commit()
    for method in ("post", "put"):
        void = voiding(platform_id)
        kwargs = {"params": {"statementId": void["id"]}} if method == "put" else {}
        response = getattr(caller(auth), method)("statements", json=void, **kwargs)
        assert response.status_code == 403, response.json
        assert response.json["error"] == "forbidden"
        assert "only the platform may void it" in response.json["message"]
        assert platform_id in response.json["message"]
    db.session.expire_all()
    assert not _is_voided(platform_id)


def test_a_client_voids_its_own_statements_but_not_another_clients(caller, make_client):
    _first, first_auth = make_client("statements/write", name="First tool")
    _second, second_auth = make_client("statements/write", name="Second tool")
    db.session.commit()
    own, theirs = statement(), statement()
    assert caller(first_auth).post("statements", json=[own]).status_code == 200
    assert caller(second_auth).post("statements", json=[theirs]).status_code == 200
    refused = caller(first_auth).post("statements", json=voiding(theirs["id"]))
    assert refused.status_code == 403
    assert "may void only the statements it stored itself" in refused.json["message"]
    assert caller(first_auth).post("statements", json=voiding(own["id"])).status_code == 200
    db.session.expire_all()
    assert _is_voided(own["id"]) and not _is_voided(theirs["id"])


def test_a_voiding_sent_before_its_target_voids_only_the_same_authoritys(caller, make_client):
    """A client cannot void a platform statement in advance by guessing its id."""
    _client, auth = make_client("statements/write")
    db.session.commit()
    future = statement()
    assert caller(auth).post("statements", json=voiding(future["id"])).status_code == 200
    record_statement(future, utcnow())
    assert not _is_voided(future["id"])


@pytest.mark.parametrize(("scopes", "status"), [
    (("statements/write",), 403),
    (("statements/read/mine",), 403),
    (("define",), 403),
    (("state", "profile"), 403),
    (("statements/read",), 200),
    (("all/read",), 200),
])
def test_only_full_readers_see_a_learners_person_object(caller, make_client, scopes, status):
    _client, auth = make_client(*scopes)
    response = caller(auth).get("agents", params={"agent": json.dumps(learner("anna"))})
    assert response.status_code == status, response.json


def test_a_write_only_client_reads_no_learner_pseudonyms(caller, make_client):
    record_statement(statement(actor=learner("pseudonym-of-lena")), utcnow())
    _client, auth = make_client("statements/write")
    db.session.commit()
    for resource, params in (("statements", None), ("agents", {"agent": json.dumps(
            learner("pseudonym-of-lena"))})):
        response = caller(auth).get(resource, params=params)
        assert response.status_code == 403
        assert "pseudonym-of-lena" not in response.get_data(as_text=True)


def test_read_mine_does_not_list_the_platforms_statements(caller, make_client):
    record_statement(statement(actor=learner("pseudonym-of-lena")), utcnow())
    _client, auth = make_client("statements/write", "statements/read/mine")
    db.session.commit()
    response = caller(auth).get("statements")
    assert response.status_code == 200
    assert "pseudonym-of-lena" not in response.get_data(as_text=True)


def test_grant_command_and_list(runner, make_client, import_real):  # noqa: F811
    import_real("e-mobility")
    client, _auth = make_client("statements/write", name="Simulator")
    db.session.commit()
    result = runner.invoke(args=["lrs", "grant", client.key, "--course", "e-mobility"])
    assert result.exit_code == 0, result.output
    assert "may now credit course:e-mobility" in result.output
    again = runner.invoke(args=["lrs", "grant", client.key, "--course", "e-mobility"])
    assert again.exit_code != 0 and "bereits" in again.output
    unknown = runner.invoke(args=["lrs", "grant", client.key, "--course", "no-such-course"])
    assert unknown.exit_code != 0 and "no-such-course" in unknown.output
    both = runner.invoke(args=["lrs", "grant", client.key])
    assert both.exit_code != 0
    bad = runner.invoke(args=["lrs", "grant", client.key, "--activity-prefix", "not an iri"])
    assert bad.exit_code != 0 and "IRI" in bad.output
    listed = runner.invoke(args=["lrs", "list-clients"])
    assert "may credit: course:e-mobility" in listed.output
    result = runner.invoke(args=["lrs", "ungrant", client.key, "--course", "e-mobility"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(LrsCreditGrant)).all() == []


def test_admin_grants_and_withdraws_on_the_lrs_page(client, auth, make_client,
                                                   import_real):  # noqa: F811
    import_real("e-mobility")
    lrs_client, _auth = make_client("statements/write", name="Simulator")
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = client.get("/admin/lrs")
    assert b"e-mobility" in page.data
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/admin/lrs/grants", data={
        "csrf_token": token, "client": lrs_client.key, "course": "", "activity_prefix": "",
    })
    assert response.status_code == 400
    assert "entweder einen Kurs" in response.get_data(as_text=True)
    response = client.post("/admin/lrs/grants", data={
        "csrf_token": token, "client": lrs_client.key, "course": "e-mobility",
        "activity_prefix": "",
    })
    assert response.status_code == 302
    grant = db.session.scalar(select(LrsCreditGrant))
    assert grant.course_slug == "e-mobility" and grant.client_id == lrs_client.id
    page = client.get("/admin/lrs").get_data(as_text=True)
    assert "course:e-mobility" in page
    response = client.post(
        f"/admin/lrs/clients/{lrs_client.key}/grants/{grant.id}/withdraw",
        data={"csrf_token": token},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalars(select(LrsCreditGrant)).all() == []


def test_the_service_refuses_a_revoked_client(make_client):
    client, _auth = make_client("statements/write")
    services.revoke_client(None, client.key, utcnow())
    with pytest.raises(Exception, match="gesperrt"):
        services.grant_credit(None, client.key, activity_prefix="https://x.example/a",
                              now=utcnow())
