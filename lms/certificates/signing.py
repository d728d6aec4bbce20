"""Ed25519 signatures over certificate payloads.

The private key lives in ``instance/certificate_signing_key.pem`` (mode 0600) and is
generated on first use; every worker reads the same file. The public key is published
at ``/verify/public-key.pem`` so anyone can check a certificate without the platform.
"""

import base64
import json
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from flask import current_app

KEY_FILE = "certificate_signing_key.pem"


def canonical_json(payload: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def key_path() -> Path:
    return Path(current_app.instance_path) / KEY_FILE


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # unique per process and thread: two threads of one worker may both find no key yet
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    try:
        os.link(temporary, path)  # atomic, and never replaces a key another worker made
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


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
