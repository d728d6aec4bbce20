"""PDF templates per course: fallback, the safety band, plugin templates; one A4 page, fonts
embedded, PDF/A, and the QR code read back from the rendered page."""

import subprocess

import pytest
import segno
from PIL import Image

from lms.certificates import services
from lms.certificates.pdf import render_certificate_pdf, render_payload_pdf, resolve_template
from lms.plugins import hookimpl
from tests.factories import make_user
from tests.lms.certificates.conftest import COMPLETED, NOW, make_session_attended


def run(*args) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_unknown_template_falls_back_to_default(app):
    assert resolve_template("does-not-exist").name == "certificates/pdf/default.html"
    assert resolve_template(None).name == "certificates/pdf/default.html"
    assert resolve_template("safety").name == "certificates/pdf/safety.html"


def test_plugin_templates_are_offered_and_missing_files_fall_back(app):
    class Plugin:
        @hookimpl
        def lms_certificate_templates(self):
            return {"plugin": "certificates/pdf/safety.html", "broken": "nowhere/x.html"}

    manager = app.extensions["atlas_plugins"]
    plugin = Plugin()
    manager.register(plugin, name="test-certificate-templates")
    try:
        assert resolve_template("plugin").name == "certificates/pdf/safety.html"
        assert resolve_template("broken").name == "certificates/pdf/default.html"
    finally:
        manager.unregister(plugin)


def test_safety_template_shows_the_band(app, certificate, tmp_path):
    path = tmp_path / "safety.pdf"
    path.write_bytes(render_payload_pdf(certificate.payload, certificate.signature,
                                        template="safety"))
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "SICHERHEITSUNTERWEISUNG" in text and certificate.number in text
    assert "Pages: 1" in " ".join(run("pdfinfo", str(path)).split())


def qr_matrix_from_page(png_path, modules: int) -> list[list[bool]]:
    """Sample the QR code in the page's lower right corner module by module."""
    image = Image.open(png_path).convert("L")
    width, height = image.size
    pixels = image.load()
    left_bound, top_bound = int(width * 0.75), int(height * 0.75)

    def dark_run_starts(y: int) -> bool:
        # the QR's top edge: dark here and still dark 20 px lower (rules are a few px thin)
        row = [x for x in range(left_bound, width) if pixels[x, y] < 128]
        return bool(row) and pixels[row[0], y + 20] < 128 and pixels[row[-1], y + 20] < 128

    top = next(y for y in range(top_bound, height - 20) if dark_run_starts(y))
    row = [x for x in range(left_bound, width) if pixels[x, top + 1] < 128]
    left, right = row[0], row[-1]
    size = (right - left + 1) / modules
    return [[pixels[int(left + (c + 0.5) * size), int(top + (r + 0.5) * size)] < 128
             for c in range(modules)] for r in range(modules)]


@pytest.mark.parametrize("locale", ["de", "en"])
def test_full_certificate_is_one_a4_page_pdfa_with_fonts_and_a_readable_qr(
        app, emobility, tmp_path, locale):
    learner = make_user(name="Maximiliane Müller-Lüdenscheidt", locale=locale)
    trainer = make_user(is_trainer=True, name="Dr. Tanja Trainerin")
    make_session_attended(learner, emobility.course, trainer=trainer)
    make_session_attended(learner, emobility.course, title="Praxistag Ladeinfrastruktur",
                          minutes=240)
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    path = tmp_path / f"{locale}.pdf"
    path.write_bytes(render_certificate_pdf(certificate))

    info = " ".join(run("pdfinfo", str(path)).split())
    assert "Pages: 1" in info and "A4" in info
    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # emb column
    assert 'pdfaid:part="3"' in run("pdfinfo", "-meta", str(path))  # PDF/A-3b
    text = " ".join(run("pdftotext", str(path), "-").split())
    assert "Praxistag Ladeinfrastruktur" in text and "Dr. Tanja Trainerin" in text
    heading = "Präsenztermine besucht" if locale == "de" else "Sessions attended"
    assert heading.upper().replace(" ", "") in text.upper().replace(" ", "")

    run("pdftoppm", "-png", "-r", "300", "-singlefile", str(path), str(tmp_path / "page"))
    expected = segno.make(certificate.payload["verify_url"], error="m").matrix
    found = qr_matrix_from_page(tmp_path / "page.png", len(expected))
    assert found == [[bool(cell) for cell in row] for row in expected]
