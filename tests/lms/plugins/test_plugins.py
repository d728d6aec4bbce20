"""The plugin host: built-ins through the hooks, third-party plugins only when configured."""

import pytest

from lms.accounts import services
from lms.db import utcnow
from lms.plugins.manager import BUILTIN_PLUGINS, PluginLoadError, create_plugin_manager
from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database


def test_builtin_features_register_through_the_same_hooks():
    manager = create_plugin_manager()
    names = {name for name, _ in manager.list_name_plugin()}
    assert set(BUILTIN_PLUGINS) <= names
    implementations = manager.hook.lms_load_blueprints.get_hookimpls()
    blueprint_hooks = {impl.plugin_name for impl in implementations}
    assert {"lms.site.plugin", "lms.accounts.plugin", "lms.admin.plugin"} <= blueprint_hooks


def test_installed_plugin_is_not_loaded_unless_configured(plugin_installed, client):
    assert client.get("/hello").status_code == 404


def test_unknown_configured_plugin_is_a_clear_error():
    with pytest.raises(PluginLoadError, match="'nope' is configured in ATLAS_PLUGINS"):
        create_plugin_manager(["nope"])


@pytest.fixture
def plugin_app(plugin_installed, tmp_path):
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance", ATLAS_PLUGINS=[plugin_installed])
        yield app
        dispose_engines(app)


def test_configured_plugin_adds_route_navigation_and_hears_events(plugin_app):
    from atlas_hello import plugin as hello_plugin

    client = plugin_app.test_client()
    assert client.get("/hello").json == {"hello": "from a plugin"}
    assert "Hello plugin" in client.get("/").get_data(as_text=True)
    with plugin_app.app_context(), plugin_app.test_request_context():
        services.create_user(
            email="plugin-witness@example.org", name="Witness",
            password="a long enough password", now=utcnow(),
        )
    assert "plugin-witness@example.org" in hello_plugin.REGISTERED
