"""Ralph's LRS app with its file-system backend appending: for ``bench/lrs.py`` only.

Runs inside Ralph's own virtualenv (``uvicorn --app-dir bench ralph_fs_app:app``), never in
the project's. Ralph 5.1's FS LRS backend writes with the data backend's default operation
``create``, which refuses to touch a file that exists: every POST after the first answers
500. Appending is what its LRS file needs; nothing else of Ralph is changed.
"""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (after the fix, as uvicorn imports it)

__all__ = ["app"]
