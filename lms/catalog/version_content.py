"""The parsed content of course versions, cached per process by package digest.

Parsing a package (several hundred kilobytes of JSON) on every request is too slow;
a version never changes once imported, so its digest is a safe cache key and every
worker may keep its own copy. Nothing here must be shared between processes.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from authoring.model import Course as CourseModel

#: Versions kept per process; a parsed course is a few megabytes at most.
CACHE_SIZE = 16


@dataclass(frozen=True)
class VersionContent:
    """A version's course model and its media table (course-relative path → entry).

    Shared between requests: treat both as read-only.
    """

    course: CourseModel
    media: dict[str, dict]


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, VersionContent] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> VersionContent | None:
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key: str, value: VersionContent) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_cache = _LRU(CACHE_SIZE)


def content_for(version) -> VersionContent:
    """Return the parsed content of ``version`` (a ``CourseVersion`` row), cached by digest."""
    cached = _cache.get(version.digest)
    if cached is not None:
        return cached
    document = json.loads(version.package)
    content = VersionContent(
        course=CourseModel.from_dict(document["course"]), media=document.get("media", {})
    )
    _cache.put(version.digest, content)
    return content


def clear_cache() -> None:
    """Forget every parsed version (tests; never needed for correctness)."""
    _cache.clear()
