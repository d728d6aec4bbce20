"""The plugin host: every feature, built-in or third-party, registers through pluggy hooks."""

import pluggy

PROJECT = "atlas_campus"
ENTRY_POINT_GROUP = "atlas_campus.plugins"

hookimpl = pluggy.HookimplMarker(PROJECT)
hookspec = pluggy.HookspecMarker(PROJECT)
