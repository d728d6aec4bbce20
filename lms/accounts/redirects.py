"""Safe redirect targets: only paths on this site, never another host."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Return ``target`` when it is a local path, else ``default`` (no open redirects)."""
    if not target:
        return default
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if any(ord(c) < 32 for c in target):
        return default
    return target
