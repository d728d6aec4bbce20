"""The manager's token page: secret shown once, stored as SHA-256, revocable, own company only."""

import hashlib
from datetime import date, timedelta

from sqlalchemy import select

from lms.api.models import ApiToken
from lms.extensions import db
from tests.conftest import csrf_token_from


def create(client, **fields):
    data = {"csrf_token": csrf_token_from(client.get("/company/api-tokens/").get_data(
        as_text=True)), "name": "Personio", "scopes": ["people:read", "completions:read"],
        "expires_on": (date.today() + timedelta(days=200)).isoformat()}
    data.update(fields)
    return client.post("/company/api-tokens/", data=data)


def test_secret_shown_once_and_stored_hashed(client, auth, world):
    auth.login(world.manager.email)
    response = create(client)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    secret = html.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("atlas_")
    token = db.session.scalar(select(ApiToken).where(ApiToken.organisation_id == world.org_a.id))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.token_hash, token.prefix)
    assert token.scope_list == ["people:read", "completions:read"]
    assert secret not in client.get("/company/api-tokens/").get_data(as_text=True)
    api = client.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200


def test_revoke_stops_the_token(client, auth, world, make_token):
    token, secret = make_token()
    auth.login(world.manager.email)
    page = client.get("/company/api-tokens/").get_data(as_text=True)
    response = client.post(f"/company/api-tokens/{token.id}/revoke",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/people",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_other_company_cannot_revoke_or_see(client, auth, world, make_token):
    token, _secret = make_token()
    auth.login(world.manager_b.email)
    page = client.get("/company/api-tokens/").get_data(as_text=True)
    assert token.prefix not in page
    response = client.post(f"/company/api-tokens/{token.id}/revoke",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_employees_cannot_manage_tokens(client, auth, world):
    auth.login(world.anna.email)
    assert client.get("/company/api-tokens/").status_code == 403


def test_invalid_form_writes_nothing(client, auth, world):
    auth.login(world.manager.email)
    assert create(client, scopes=[]).status_code == 400
    assert create(client, expires_on="2001-01-01").status_code == 400
    assert db.session.scalar(select(ApiToken.id)) is None


def test_expiry_day_is_shown_as_chosen_and_ends_with_that_berlin_day(client, auth, world):
    """Chosen "valid until 07.12.2027", shown 07.12.2027 (was 08.12. from 23:59:59 UTC)."""
    from datetime import UTC, datetime

    from lms.local_time import LOCAL_ZONE, local_day

    day = local_day(datetime.now(UTC)) + timedelta(days=365)
    auth.login(world.manager.email)
    assert create(client, expires_on=day.isoformat()).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.organisation_id == world.org_a.id))
    assert token.expires_at.astimezone(LOCAL_ZONE).date() == day
    assert token.expires_at.astimezone(LOCAL_ZONE).strftime("%H:%M:%S") == "23:59:59"
    html = client.get("/company/api-tokens/").get_data(as_text=True)
    assert day.strftime("%d.%m.%Y") in html
    assert (day + timedelta(days=1)).strftime("%d.%m.%Y") not in html
    evening = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_ZONE).replace(hour=23,
                                                                                 minute=30)
    assert token.status(evening.astimezone(UTC)) == "active"
    assert token.status((evening + timedelta(hours=1)).astimezone(UTC)) == "expired"
