"""Ed25519 signatures over certificate payloads.

The private key lives in ``<shared>/certificate_signing_key.pem`` (mode 0600; the shared
folder is ``ATLAS_SHARED_DIR``, by default the instance folder) and is generated on first
use, atomically: two workers or app nodes starting at once end up with the same key, never
with two. Every app node must see the same file (a shared folder, or the file copied there
before the first start). The public key is published
at ``/verify/public-key.pem`` so anyone can check a certificate without the platform.
"""

import base64
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

from lms.config import create_file_once

KEY_FILE = "certificate_signing_key.pem"


def canonical_json(payload: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def key_path() -> Path:
    folder = current_app.config.get("ATLAS_SHARED_DIR") or current_app.instance_path
    return Path(folder) / KEY_FILE


def _create_key(path: Path) -> None:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # atomic, and never replaces a key another worker or node made first
    create_file_once(path, pem)


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        _create_key(path)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> bytes:
    return public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def sign(payload: dict) -> str:
    """Return the base64 Ed25519 signature of ``payload``'s canonical JSON."""
    return base64.b64encode(private_key().sign(canonical_json(payload))).decode("ascii")


def verify(payload: dict, signature: str) -> bool:
    """True when ``signature`` is this platform's signature of exactly ``payload``."""
    try:
        public_key().verify(base64.b64decode(signature, validate=True),
                            canonical_json(payload))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
