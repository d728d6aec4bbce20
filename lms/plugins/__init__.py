"""The plugin host: every feature, built-in or third-party, registers through pluggy hooks."""

import pluggy
from flask import current_app

PROJECT = "atlas_campus"
ENTRY_POINT_GROUP = "atlas_campus.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)


def hooks() -> pluggy.HookRelay:
    """The current app's hooks (``hooks().lms_course_completed(...)``): the one accessor.

    The manager is built per app by ``lms.app.register_plugins``; reaching it here keeps
    callers from spelling out ``current_app.extensions["atlas_plugins"]``.
    """
    return current_app.extensions["atlas_plugins"].hook
