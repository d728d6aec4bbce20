"""Impressum and privacy policy: for everyone, linked in the footer, edited by the operator."""

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.site.models import SitePage
from tests.conftest import csrf_token_from
from tests.factories import make_user


@pytest.mark.parametrize("path,title", [("/impressum", "Impressum"),
                                        ("/datenschutz", "Datenschutzerklärung")])
def test_legal_pages_answer_anonymous_visitors_with_a_default_text(client, path, title):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in html
    assert "Dieser Text ist eine Vorlage" in html


def test_footer_links_the_legal_pages_on_every_page(client):
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer'):]
    assert 'href="/impressum"' in footer and 'href="/datenschutz"' in footer


def test_admin_edits_the_imprint_in_markdown_and_scripts_are_removed(client, auth):
    admin = make_user(email="root@example.org", is_admin=True)
    db.session.flush()
    auth.login(admin.email)
    page = client.get("/admin/pages/imprint").get_data(as_text=True)
    assert "Vorlage anzeigen" in page
    response = client.post("/admin/pages/imprint", data={
        "csrf_token": csrf_token_from(page),
        "body_de": "## Betreiber\n\n**Netzwerk ATLAS e. V.**, Lüdenscheid\n\n"
                   "<script>alert(1)</script>[Web](https://atlas.example) "
                   "[böse](javascript:alert(1))",
        "body_en": "",
    })
    assert response.status_code == 302 and response.headers["Location"] == "/impressum"
    auth.logout()
    html = client.get("/impressum").get_data(as_text=True)
    assert "<h2>Betreiber</h2>" in html and "<strong>Netzwerk ATLAS e. V.</strong>" in html
    assert "<script>" not in html and "javascript:" not in html
    assert '<a href="https://atlas.example" rel="noopener noreferrer">Web</a>' in html
    assert "Vorlage" not in html
    # English visitors get the German text while no English one is written
    english = client.get("/impressum", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Netzwerk ATLAS e. V." in english
    assert db.session.scalar(select(SitePage.updated_by_id)) == admin.id


def test_only_admins_edit_legal_pages(client, auth):
    user = make_user(email="someone@example.org")
    db.session.flush()
    assert client.get("/admin/pages/imprint").status_code == 302  # to the login
    auth.login(user.email)
    assert client.get("/admin/pages/imprint").status_code == 403
    assert client.get("/admin/pages/nonsense").status_code == 403


def test_api_root_points_to_the_openapi_document(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json["openapi"].endswith("/api/v1/openapi.json")
    assert response.json["resources"]["people"].endswith("/api/v1/people")
    assert client.get(response.json["openapi"]).status_code == 200
    assert client.get("/api/v1").status_code in (301, 308)
