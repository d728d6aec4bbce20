"""Start page, health check, error pages and security headers."""

import pytest

from lms.security import CONTENT_SECURITY_POLICY


def test_start_page_is_german_with_login(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert "Weiterbildung für den Wandel" in html
    assert 'action="/login"' in html
    assert 'name="csrf_token"' in html


def test_start_page_in_english_by_browser_preference(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Training for the transformation" in html


def test_security_headers_and_csp(client):
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    # the policy forbids inline scripts and styles, so our pages must not use them
    assert "<script>" not in html and " style=" not in html and "<style" not in html


@pytest.mark.parametrize(
    ("lang", "expected"), [("de", "Seite nicht gefunden"), ("en", "Page not found")]
)
def test_404_page_in_both_languages(client, lang, expected):
    response = client.get("/does-not-exist", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/studio/", "/courses/", "/login/?next=%2Fstudio"])
def test_a_trailing_slash_leads_to_the_page_without_it(client, path):
    response = client.get(path)
    assert response.status_code == 308
    assert response.headers["Location"] == path.replace("/?", "?").rstrip("/")


def test_a_trailing_slash_on_a_missing_page_stays_a_404(client):
    assert client.get("/no-such-page/").status_code == 404
    assert client.post("/studio/").status_code in (404, 405, 400)


def test_json_error_for_json_clients(client):
    response = client.get("/does-not-exist", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_unexpected_error_gives_500_page_without_trace(app, client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("lms.site.views.render_template", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in html
    assert "Traceback" not in html
    assert "Interner Fehler" in html
