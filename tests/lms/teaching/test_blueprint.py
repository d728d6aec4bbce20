"""The cockpit's blueprint is registered under /teaching."""


def test_cockpit_blueprint_is_registered(app):
    assert "teaching" in app.blueprints
    assert app.blueprints["teaching"].url_prefix == "/teaching"
