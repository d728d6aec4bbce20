"""The tool's keys: published at /lti/jwks, rotated with a grace period, private half sealed."""

from datetime import timedelta

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.lti import keys
from lms.lti.models import LtiToolKey


def verify(token: str, jwks: dict) -> dict:
    return jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["RS256"]).claims


def test_jwks_publishes_public_keys_only(client):
    document = client.get("/lti/jwks").get_json()
    [key] = document["keys"]
    assert key["kty"] == "RSA" and key["kid"] and key["use"] == "sig" and key["alg"] == "RS256"
    assert "d" not in key and "p" not in key
    row = db.session.scalar(select(LtiToolKey))
    assert "PRIVATE KEY" not in row.private_key  # sealed, not PEM


def test_rotation_keeps_old_signatures_verifiable_during_the_grace_period(app):
    now = utcnow()
    old = keys.current_key(now)
    signed_before = keys.sign({"msg": "before"}, now)
    new, retired = keys.rotate_key(now, timedelta(days=7))
    assert retired == [] and new.kid != old.kid
    signed_after = keys.sign({"msg": "after"}, now)
    assert jwt.decode(signed_after, KeySet.import_key_set(keys.published_keys(now)),
                      algorithms=["RS256"]).header["kid"] == new.kid

    during = keys.published_keys(now + timedelta(days=6))
    assert {k["kid"] for k in during["keys"]} == {old.kid, new.kid}
    assert verify(signed_before, during)["msg"] == "before"

    after = keys.published_keys(now + timedelta(days=8))
    assert {k["kid"] for k in after["keys"]} == {new.kid}
    with pytest.raises((JoseError, ValueError)):
        verify(signed_before, after)
    assert verify(signed_after, after)["msg"] == "after"

    # the next rotation after the grace period drops the old private key
    _newest, retired = keys.rotate_key(now + timedelta(days=8), timedelta(days=7))
    assert retired == [old.kid]
    db.session.refresh(old)
    assert old.private_key == ""


def test_rotate_key_command(app, runner):
    first = runner.invoke(args=["lti", "rotate-key", "--grace-days", "3"])
    assert first.exit_code == 0, first.output
    assert "new signing key atlas-" in first.output
    second = runner.invoke(args=["lti", "rotate-key"])
    assert second.exit_code == 0
    assert len(second.output.split("published: ")[1].split(", ")) == 2
