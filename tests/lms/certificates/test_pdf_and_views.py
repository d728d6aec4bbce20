"""The certificate PDF, its offline check, the public verify page and the download."""

import os
import subprocess
from pathlib import Path

from lms.catalog.version_content import content_for
from lms.certificates import services
from lms.certificates.pdf import read_embedded, render_certificate_pdf, render_payload_pdf
from lms.extensions import db
from tests.factories import make_user
from tests.lms.certificates.conftest import NOW

ROOT = Path(__file__).resolve().parents[3]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_pdf_states_the_facts_and_carries_the_signed_payload(app, certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "Pages:           1" in info
    assert "A4" in info
    text = pdf_text(path)
    assert "Jürgen Öztürk-Weiß" in text
    assert certificate.payload["course"]["title"] in " ".join(text.split())
    assert certificate.number in text
    assert "ATLAS Transformationsnetzwerk Südwestfalen" in text
    assert "Muster Antriebstechnik GmbH" in text
    payload, signature = read_embedded(path)
    assert payload == certificate.payload and signature == certificate.signature
    assert payload["verify_url"] == f"http://localhost/verify/{certificate.number}"
    if os.environ.get("ATLAS_UPDATE_DOCS"):  # refresh docs/certificate-example.png
        example = ROOT / "docs" / "certificate-example.png"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path),
                        str(example.with_suffix(""))], check=True)


def test_english_learner_gets_an_english_certificate(app, emobility, tmp_path):
    learner = make_user(name="Jane Doe", locale="en")
    certificate = services.issue_certificate(learner, emobility, NOW, NOW)
    path = tmp_path / "en.pdf"
    path.write_bytes(render_certificate_pdf(certificate))
    text = " ".join(pdf_text(path).lower().split())
    assert "has successfully completed the course" in text
    assert "this is to certify that" in text.lower()


def test_english_certificate_states_the_english_title_and_statement(app, client, emobility,
                                                                     tmp_path):
    learner = make_user(name="Jane Doe", locale="en")
    certificate = services.issue_certificate(learner, emobility, NOW, NOW)
    model = content_for(emobility).course
    assert certificate.payload["language"] == "en"
    assert certificate.payload["course"]["title"] == "E-mobility for automotive suppliers"
    assert certificate.payload["statement"] == model.certificate.statement.text("en")
    path = tmp_path / "en.pdf"
    path.write_bytes(render_certificate_pdf(certificate))
    text = " ".join(pdf_text(path).split())
    assert "E-mobility for automotive suppliers" in text
    assert " ".join(model.certificate.statement.text("en").split()[:6]) in text
    html = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert '<span lang="en">E-mobility for automotive suppliers</span>' in html
    assert model.certificate.statement.text("en")[:40] in html


def test_cli_verify_accepts_genuine_and_rejects_tampered(app, runner, certificate, tmp_path):
    genuine = tmp_path / "genuine.pdf"
    genuine.write_bytes(render_certificate_pdf(certificate))
    result = runner.invoke(args=["certificates", "verify", str(genuine)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output

    forged = dict(certificate.payload, learner_name="Mallory Meier")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(render_payload_pdf(forged, certificate.signature))
    result = runner.invoke(args=["certificates", "verify", str(tampered)])
    assert result.exit_code == 1
    assert "signature" in result.output

    plain = tmp_path / "plain.pdf"
    plain.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = runner.invoke(args=["certificates", "verify", str(plain)])
    assert result.exit_code == 1


def test_cli_render_all(runner, certificate, tmp_path):
    result = runner.invoke(args=["certificates", "render", "--all", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{certificate.number}.pdf").read_bytes().startswith(b"%PDF")


def test_verify_page_valid_revoked_unknown(client, certificate):
    number = certificate.number
    page = client.get(f"/verify/{number}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-status="valid"' in html and 'data-signature="valid"' in html
    assert "Jürgen Öztürk-Weiß" in html
    assert "@" not in html.split("<main", 1)[-1].split("</main>")[0]  # no e-mail address

    body = client.get(f"/verify/{number}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "valid" and body["signature_valid"] is True
    assert body["certificate"] == certificate.payload
    assert set(body) == {"number", "status", "signature_valid", "revoked_at", "superseded_by",
                         "certificate"}

    services.revoke_certificate(make_user(is_admin=True), certificate, "Täuschung", NOW)
    db.session.commit()
    assert 'data-status="revoked"' in client.get(f"/verify/{number}").get_data(as_text=True)
    body = client.get(f"/verify/{number}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "revoked"

    unknown = client.get("/verify/ATLAS-AAAA-AAAA-AAAA-AAAA")
    assert unknown.status_code == 404 and 'data-status="unknown"' in unknown.get_data(as_text=True)
    body = client.get("/verify/ATLAS-AAAA-AAAA-AAAA-AAAA",
                      headers={"Accept": "application/json"}).get_json()
    assert body == {"number": "ATLAS-AAAA-AAAA-AAAA-AAAA", "status": "unknown"}


def test_public_key_is_published(client, certificate):
    response = client.get("/verify/public-key.pem")
    assert response.status_code == 200 and b"BEGIN PUBLIC KEY" in response.data


def test_only_owner_and_admin_download(client, auth, certificate, learner, other_learner):
    admin = make_user(is_admin=True)
    db.session.commit()
    url = f"/certificates/{certificate.number}.pdf"
    auth.login(other_learner.email)
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(learner.email)
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.get("/certificates/ATLAS-AAAA-AAAA-AAAA-AAAA.pdf").status_code == 404
    auth.logout()
    auth.login(admin.email)
    assert client.get(url).status_code == 200
