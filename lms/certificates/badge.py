"""Open Badges 3.0: the certificate as an OpenBadgeCredential, signed with eddsa-jcs-2022.

The credential follows the W3C Verifiable Credentials Data Model 2.0 and 1EdTech's
Open Badges 3.0 context. Its proof is a Data Integrity proof (cryptosuite
``eddsa-jcs-2022``): the JCS-canonical proof configuration and the JCS-canonical
document are each hashed with SHA-256, the two hashes concatenated and signed with the
platform's Ed25519 key; ``proofValue`` is the signature in multibase base58-btc.
The key is published as a Multikey at ``/verify/key.json``.
"""

import hashlib
import hmac
import json
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app

from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.certificates.services import ISSUER

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
CRYPTOSUITE = "eddsa-jcs-2022"
#: multicodec prefix of an Ed25519 public key (0xed, varint-encoded)
ED25519_MULTICODEC = b"\xed\x01"
BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = BASE58_ALPHABET[digit] + text
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + text


def unbase58btc(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58_ALPHABET.index(char)
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading + body


def jcs(value) -> bytes:
    """JSON Canonicalization Scheme (RFC 8785) for our data: no floats, string keys only."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def base_url() -> str:
    return current_app.config["ATLAS_BASE_URL"].rstrip("/")


def key_id() -> str:
    return f"{base_url()}/verify/key.json#key"


def public_key_multibase(key: Ed25519PublicKey | None = None) -> str:
    key = key or signing.public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58btc(ED25519_MULTICODEC + raw)


def multikey_document() -> dict:
    """The platform's verification key as a Multikey (published at /verify/key.json)."""
    multibase = public_key_multibase()
    return {
        "@context": MULTIKEY_CONTEXT,
        "id": key_id(),
        "type": "Multikey",
        "controller": f"{base_url()}/",
        "publicKeyMultibase": multibase,
        "alsoKnownAs": f"did:key:{multibase}",
    }


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_salt(certificate: Certificate) -> str:
    """A per-certificate salt, stable across downloads, not derivable without the secret."""
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(secret, certificate.number.encode("ascii"), hashlib.sha256).hexdigest()[:16]


def unsigned_credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential for ``certificate`` without its proof."""
    payload = certificate.payload
    course = payload["course"]
    base = base_url()
    salt = identity_salt(certificate)
    identifiers = [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                    "identityHash": payload["learner_name"]}]
    if certificate.user.email:  # accounts without e-mail are named only
        email_hash = hashlib.sha256((certificate.user.email.lower() + salt).encode("utf-8"))
        identifiers.append({"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": "sha256$" + email_hash.hexdigest(),
                            "salt": salt})
    issuer = {"id": f"{base}/", "type": ["Profile"], "name": ISSUER, "url": f"{base}/"}
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"{base}/certificates/{certificate.number}/badge.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course["title"],
        "issuer": issuer,
        "validFrom": _timestamp(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "activityEndDate": _timestamp(certificate.completed_at),
            "achievement": {
                "id": f"{base}/courses/{certificate.course.slug}#achievement-{course['version']}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": course["title"],
                "description": payload.get("statement") or course["title"],
                "criteria": {"narrative": "\n".join(
                    [payload.get("statement") or "", *("- " + item for item in
                                                       payload.get("objectives") or [])]
                ).strip()},
                "creator": issuer,
                "inLanguage": payload.get("language", "de"),
                "tag": [tag for tag in [course.get("subject_label")] if tag],
            },
        },
        "credentialStatus": {
            "id": payload["verify_url"],
            "type": "AtlasCertificateStatus",
        },
        "evidence": [{"id": payload["verify_url"], "type": ["Evidence"],
                      "name": f"{certificate.number}"}],
    }
    if certificate.expires_at:
        credential["validUntil"] = _timestamp(certificate.expires_at)
    if payload.get("sessions"):
        credential["credentialSubject"]["achievement"]["criteria"]["narrative"] += "\n" + "\n".join(
            f"- {item['date']}: {item['title']}" for item in payload["sessions"])
    return credential


def _hash_data(document: dict, proof_config: dict) -> bytes:
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


def sign_credential(document: dict, created: datetime) -> dict:
    """Return ``document`` with an eddsa-jcs-2022 Data Integrity proof added."""
    proof_config = {
        "@context": document["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created),
        "verificationMethod": key_id(),
        "proofPurpose": "assertionMethod",
    }
    signature = signing.private_key().sign(_hash_data(document, proof_config))
    proof = {key: value for key, value in proof_config.items() if key != "@context"}
    proof["proofValue"] = "z" + base58btc(signature)
    return {**document, "proof": proof}


def badge_for(certificate: Certificate, now: datetime) -> dict:
    return sign_credential(unsigned_credential(certificate), now)


def verify_credential(credential: dict, public_key: Ed25519PublicKey | None = None) -> bool:
    """True when ``credential``'s eddsa-jcs-2022 proof is valid for exactly its content."""
    proof = credential.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "DataIntegrityProof" \
            or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue", "")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    try:
        signature = unbase58btc(value[1:])
    except ValueError:
        return False
    document = {key: item for key, item in credential.items() if key != "proof"}
    proof_config = {key: item for key, item in proof.items() if key != "proofValue"}
    proof_config["@context"] = document.get("@context")
    key = public_key or signing.public_key()
    try:
        key.verify(signature, _hash_data(document, proof_config))
    except InvalidSignature:
        return False
    return True
