"""The certificate as a one-page A4 PDF (WeasyPrint), carrying its signed payload.

The signed payload and its signature travel inside the PDF, base64 in the document's
keywords (``atlas-certificate:<base64 JSON>``), so ``atlas certificates verify FILE``
can check a file offline. All assets are inline: the URL fetcher refuses every URL
except ``data:``, so a template can never read local files or reach the network.
"""

import base64
import json
import subprocess
from pathlib import Path

import segno
from flask import current_app
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lms.certificates.models import Certificate

MARKER = "atlas-certificate:"

#: The document's own language (the learner's), independent of the request locale.
LABELS = {
    "de": {
        "heading": "Zertifikat", "certify": "Hiermit wird bestätigt, dass",
        "completed": "den folgenden Kurs erfolgreich abgeschlossen hat:",
        "version": "Version", "subject": "Fachgebiet", "duration": "Umfang",
        "hours": "Stunden", "completed_on": "Abgeschlossen am", "modules": "Behandelte Module",
        "objectives": "Lernergebnisse", "issuer": "Aussteller", "employer": "Arbeitgeber",
        "number": "Zertifikatsnummer", "validity": "Gültigkeit",
        "valid_until": "gültig bis", "unlimited": "unbefristet", "issued": "Ausgestellt am",
        "verify": "Echtheit prüfen:",
    },
    "en": {
        "heading": "Certificate", "certify": "This is to certify that",
        "completed": "has successfully completed the course",
        "version": "Version", "subject": "Subject area", "duration": "Duration",
        "hours": "hours", "completed_on": "Completed on", "modules": "Modules covered",
        "objectives": "Learning outcomes", "issuer": "Issued by", "employer": "Employer",
        "number": "Certificate number", "validity": "Validity",
        "valid_until": "valid until", "unlimited": "no expiry", "issued": "Issued on",
        "verify": "Verify authenticity:",
    },
}


def inline_only_fetcher() -> URLFetcher:
    """WeasyPrint URL fetcher: only inline ``data:`` URLs, never files or the network."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def format_date(iso: str | None, language: str) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}" if language == "de" else f"{year}-{month}-{day}"


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#1d2b3a"))


def embedded_text(payload: dict, signature: str) -> str:
    document = json.dumps({"payload": payload, "signature": signature}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
    return MARKER + base64.b64encode(document.encode("utf-8")).decode("ascii")


def render_html(payload: dict, signature: str) -> str:
    language = payload.get("language", "de")
    hours = payload["course"].get("duration_hours")
    template = current_app.jinja_env.get_template("certificates/pdf.html")
    return template.render(
        p=payload, t=LABELS.get(language, LABELS["de"]), qr=qr_svg(payload["verify_url"]),
        embedded=embedded_text(payload, signature),
        hours=(f"{hours:g}" if hours else ""),
        completed_on=format_date(payload["completed_at"], language),
        issued_on=format_date(payload["issued_at"], language),
        expires_on=format_date(payload.get("expires_at"), language),
    )


def render_payload_pdf(payload: dict, signature: str) -> bytes:
    """Render a PDF for ``payload`` as signed by ``signature`` (tests pass forged ones)."""
    html = HTML(string=render_html(payload, signature), url_fetcher=inline_only_fetcher(),
                base_url="data:,")
    return html.write_pdf()


def render_certificate_pdf(certificate: Certificate) -> bytes:
    return render_payload_pdf(certificate.payload, certificate.signature)


class EmbeddedPayloadError(ValueError):
    """The file is no ATLAS certificate PDF, or its embedded payload is unreadable."""


def read_embedded(path: Path) -> tuple[dict, str]:
    """Return ``(payload, signature)`` embedded in the certificate PDF at ``path``."""
    try:
        result = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True,
                                text=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise EmbeddedPayloadError(f"cannot read {path}: {error}") from error
    for line in result.stdout.splitlines():
        if line.startswith("Keywords:") and MARKER in line:
            encoded = line.split(MARKER, 1)[1].strip().split(",")[0].strip()
            try:
                document = json.loads(base64.b64decode(encoded, validate=True))
                return document["payload"], document["signature"]
            except (ValueError, KeyError, TypeError) as error:
                raise EmbeddedPayloadError("the embedded certificate data is damaged") from error
    raise EmbeddedPayloadError("the file carries no ATLAS certificate data")
