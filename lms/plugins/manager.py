"""Builds the plugin manager: built-in features first, then configured third-party plugins."""

import importlib
import logging
from importlib.metadata import entry_points

import pluggy

from lms.plugins import ENTRY_POINT_GROUP, PROJECT, hookspecs

log = logging.getLogger(__name__)

#: Built-in features, registered exactly like third-party plugins.
BUILTIN_PLUGINS = (
    "lms.site.plugin",
    "lms.operations.plugin",
    "lms.jobs.plugin",
    "lms.accounts.plugin",
    "lms.admin.plugin",
    "lms.lrs.plugin",
    "lms.catalog.plugin",
    "lms.studio.plugin",
    "lms.learning.plugin",
    "lms.sessions.plugin",
    "lms.certificates.plugin",
    "lms.companies.plugin",
    "lms.api.plugin",
    "lms.teaching.plugin",
    "lms.companies.exports.plugin",
    "lms.packages.plugin",
    "lms.lti.plugin",
    "lms.qualifications.plugin",
)


class PluginLoadError(RuntimeError):
    """A configured plugin could not be found or imported."""


def create_plugin_manager(enabled: list[str] | tuple[str, ...] = ()) -> pluggy.PluginManager:
    """Return a manager with every built-in plugin and the named third-party ones.

    Third-party plugins are distributions exposing an entry point in the group
    ``atlas_campus.plugins``; installed ones are ignored unless ``enabled`` names
    them, so installing a package never changes a running platform by itself.

    :raises PluginLoadError: a name in ``enabled`` has no installed entry point.
    """
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    available = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    for name in enabled:
        entry_point = available.get(name)
        if entry_point is None:
            raise PluginLoadError(
                f"plugin {name!r} is configured in ATLAS_PLUGINS but not installed "
                f"(no entry point {name!r} in group {ENTRY_POINT_GROUP!r})"
            )
        manager.register(entry_point.load(), name=f"plugin:{name}")
        log.info("loaded plugin %s from %s", name, entry_point.value)
    return manager
