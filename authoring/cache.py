"""Caches for rendered lessons and media hashes, in memory or on disk."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

logger = logging.getLogger(__name__)


class RenderCache(Protocol):
    """Key → JSON-able value. Keys are content hashes, so entries never go stale."""

    def get(self, key: str) -> dict | None: ...

    def set(self, key: str, value: dict) -> None: ...


class MemoryCache:
    """An in-process cache; hand the same instance to successive builds (the preview does)."""

    def __init__(self):
        self.entries: dict[str, dict] = {}

    def get(self, key: str) -> dict | None:
        return self.entries.get(key)

    def set(self, key: str, value: dict) -> None:
        self.entries[key] = value


class DirectoryCache:
    """A cache of JSON files under ``root`` (e.g. ``.atlas-cache/``), safe for parallel builds.

    Files are written to a temporary name and renamed, so a reader never sees
    half an entry; a corrupt or unreadable entry counts as a miss.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        # Keys end in a hex digest; its last two digits spread files over 256 folders.
        return self.root / key[-2:] / f"{key}.json"

    def get(self, key: str) -> dict | None:
        try:
            with self._path(key).open(encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable cache entry %s: %s", key, exc)
            return None

    def set(self, key: str, value: dict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp"
            ) as handle:
                json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(handle.name, path)
        except OSError as exc:
            logger.warning("cannot write cache entry %s: %s", key, exc)
