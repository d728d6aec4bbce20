"""Open Badges 3.0 credential: structure, eddsa-jcs-2022 proof, tamper detection, key."""

import copy

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.certificates.badge import (
    CRYPTOSUITE,
    ED25519_MULTICODEC,
    badge_for,
    base58btc,
    unbase58btc,
    verify_credential,
)
from lms.extensions import db
from tests.lms.certificates.conftest import NOW


def test_base58_round_trip():
    for data in (b"", b"\0\0abc", bytes(range(64)), b"\xff" * 32):
        assert unbase58btc(base58btc(data)) == data
    assert base58btc(b"hello world") == "StV1DL6CwTryKyV"  # reference value from the spec


def test_badge_is_an_open_badge_credential_with_a_valid_proof(app, certificate):
    credential = badge_for(certificate, NOW)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"] and credential["issuer"]["name"]
    assert credential["validFrom"] == "2026-11-20T10:00:00Z"
    assert credential["validUntil"] == "2027-11-20T22:59:59Z"  # the Berlin day's end
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == certificate.payload["course"]["title"]
    assert achievement["criteria"]["narrative"]
    identities = {i["identityType"]: i for i in subject["identifier"]}
    assert identities["name"]["identityHash"] == "Jürgen Öztürk-Weiß"
    email = identities["emailAddress"]
    assert email["hashed"] is True and email["identityHash"].startswith("sha256$")
    assert certificate.user.email not in str(credential)
    assert credential["credentialStatus"]["id"] == certificate.payload["verify_url"]
    proof = credential["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == CRYPTOSUITE
    assert proof["proofPurpose"] == "assertionMethod" and proof["proofValue"].startswith("z")
    assert proof["verificationMethod"] == "http://localhost/verify/key.json#key"
    assert verify_credential(credential)
    assert badge_for(certificate, NOW) == credential  # stable: same salt, same proof


def test_tampered_badge_fails_verification(app, certificate):
    credential = badge_for(certificate, NOW)
    for change in (
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Mallory"),
        lambda c: c.update(validUntil="2099-01-01T00:00:00Z"),
        lambda c: c["proof"].update(created="2030-01-01T00:00:00Z"),
        lambda c: c["proof"].update(proofValue="z" + c["proof"]["proofValue"][2:]),
        lambda c: c["proof"].update(cryptosuite="eddsa-rdfc-2022"),
        lambda c: c.pop("proof"),
    ):
        forged = copy.deepcopy(credential)
        change(forged)
        assert not verify_credential(forged)


def test_published_multikey_verifies_the_download(client, auth, certificate, learner):
    db.session.commit()
    auth.login(learner.email)
    response = client.get(f"/certificates/{certificate.number}/badge.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    credential = response.get_json()
    key = client.get("/verify/key.json").get_json()
    assert key["type"] == "Multikey" and key["id"] == credential["proof"]["verificationMethod"]
    raw = unbase58btc(key["publicKeyMultibase"][1:])
    assert raw[:2] == ED25519_MULTICODEC
    assert verify_credential(credential, Ed25519PublicKey.from_public_bytes(raw[2:]))
