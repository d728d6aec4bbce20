"""The certificate as a one-page A4 PDF/A (WeasyPrint), carrying its signed payload.

The signed payload and its signature travel inside the PDF, base64 in the document's
keywords (``atlas-certificate:<base64 JSON>``), so ``atlas certificates verify FILE``
can check a file offline. All assets are inline: the URL fetcher refuses every URL
except ``data:``, so a template can never read local files or reach the network.

Templates live in ``templates/certificates/pdf/<name>.html``; a course picks one by
name (``certificate.template``) and plugins add more through ``lms_certificate_templates``.
"""

import base64
import json
import re
import subprocess
import threading
import warnings
from pathlib import Path

import segno
from flask import current_app
from jinja2 import TemplateNotFound
from markupsafe import Markup
from sqlalchemy import select
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from lms.catalog.version_content import content_for
from lms.certificates.models import Certificate, CertificateDocument, TrainerSignature
from lms.extensions import db
from lms.plugins import hooks

MARKER = "atlas-certificate:"
BUILTIN_TEMPLATES = {
    "default": "certificates/pdf/default.html",
    "safety": "certificates/pdf/safety.html",
}
#: Archival PDF/A-3b: fonts embedded, colours device-independent, metadata as XMP.
PDF_VARIANT = "pdf/a-3b"

#: The document's own language (the learner's), independent of the request locale.
LABELS = {
    "de": {
        "heading": "Zertifikat", "certify": "Hiermit wird bestätigt, dass",
        "completed": "den folgenden Kurs erfolgreich abgeschlossen hat:",
        "version": "Version", "subject": "Fachgebiet", "duration": "Umfang",
        "hours": "Stunden", "hours_short": "Std.", "completed_on": "Abgeschlossen am",
        "modules": "Behandelte Module", "objectives": "Lernergebnisse",
        "sessions": "Präsenztermine besucht", "issuer": "Aussteller", "employer": "Arbeitgeber",
        "number": "Zertifikatsnummer", "validity": "Gültigkeit",
        "valid_until": "gültig bis", "unlimited": "unbefristet", "issued": "Ausgestellt am",
        "verify": "Echtheit prüfen:", "trainer": "Verantwortliche Lehrkraft",
        "replaces": "Ersetzt", "renews": "Erneuert", "safety": "Sicherheitsunterweisung – "
        "regelmäßig auffrischen",
    },
    "en": {
        "heading": "Certificate", "certify": "This is to certify that",
        "completed": "has successfully completed the course",
        "version": "Version", "subject": "Subject area", "duration": "Duration",
        "hours": "hours", "hours_short": "h", "completed_on": "Completed on",
        "modules": "Modules covered", "objectives": "Learning outcomes",
        "sessions": "Sessions attended", "issuer": "Issued by", "employer": "Employer",
        "number": "Certificate number", "validity": "Validity",
        "valid_until": "valid until", "unlimited": "no expiry", "issued": "Issued on",
        "verify": "Verify authenticity:", "trainer": "Responsible trainer",
        "replaces": "Replaces", "renews": "Renews", "safety": "Safety training – "
        "refresh regularly",
    },
}


def inline_only_fetcher() -> URLFetcher:
    """WeasyPrint URL fetcher: only inline ``data:`` URLs, never files or the network."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


#: A template's one ``<style>`` element; its text is parsed once per thread (see below).
STYLE_ELEMENT = re.compile(r"<style>(.*?)</style>", re.DOTALL)
#: Distinct stylesheets kept parsed per thread (one per template unless a template puts
#: per-certificate values into its ``<style>``; the cache starts afresh when full).
MAX_CACHED_STYLESHEETS = 16
_weasyprint = threading.local()


def weasyprint_resources() -> tuple[FontConfiguration, dict[str, CSS]]:
    """This thread's font configuration and parsed stylesheets, reused for every render.

    Creating a ``FontConfiguration`` and parsing and compiling the template's selectors
    took a good part of a warm render. Both stay per thread: Pango's font map is not
    meant to be shared between threads.
    """
    if not hasattr(_weasyprint, "font_config"):
        _weasyprint.font_config = FontConfiguration()
        _weasyprint.stylesheets = {}
    return _weasyprint.font_config, _weasyprint.stylesheets


def split_stylesheet(document: str) -> tuple[str, list[CSS]]:
    """The document without its ``<style>`` element, and that stylesheet pre-parsed.

    Passed as ``stylesheets=`` the rules keep their author origin and order (the
    document has no other styles), so the output is the same as with the inline element.
    """
    match = STYLE_ELEMENT.search(document)
    if match is None:
        return document, []
    font_config, stylesheets = weasyprint_resources()
    text = match.group(1)
    stylesheet = stylesheets.get(text)
    if stylesheet is None:
        if len(stylesheets) >= MAX_CACHED_STYLESHEETS:
            stylesheets.clear()
        stylesheet = stylesheets[text] = CSS(string=text, font_config=font_config,
                                             url_fetcher=inline_only_fetcher(),
                                             base_url="data:,")
    return document[:match.start()] + document[match.end():], [stylesheet]


def format_date(iso: str | None, language: str) -> str:
    if not iso:
        return ""
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}" if language == "de" else f"{year}-{month}-{day}"


def format_hours(hours: float | None, language: str) -> str:
    if not hours:
        return ""
    text = f"{hours:g}"
    return text.replace(".", ",") if language == "de" else text


def qr_svg(url: str) -> Markup:
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=0, dark="#1d2b3a"))


def embedded_text(payload: dict, signature: str) -> str:
    document = json.dumps({"payload": payload, "signature": signature}, sort_keys=True,
                          separators=(",", ":"), ensure_ascii=False)
    return MARKER + base64.b64encode(document.encode("utf-8")).decode("ascii")


def available_templates() -> dict[str, str]:
    """Template names → Jinja paths: the built-in ones plus every plugin's."""
    templates = dict(BUILTIN_TEMPLATES)
    for extra in hooks().lms_certificate_templates():
        templates.update(extra or {})
    return templates


def resolve_template(name: str | None):
    """The Jinja template for ``name``; ``default`` when unknown or missing."""
    env = current_app.jinja_env
    path = available_templates().get(name or "default")
    if path:
        try:
            return env.get_template(path)
        except TemplateNotFound:
            current_app.logger.warning("certificate template %s not found at %s", name, path)
    return env.get_template(BUILTIN_TEMPLATES["default"])


def render_html(payload: dict, signature: str, *, template: str = "default",
                signature_image: str | None = None) -> str:
    language = payload.get("language", "de")
    labels = LABELS.get(language, LABELS["de"])
    sessions = [dict(item, date=format_date(item["date"], language),
                     hours=format_hours(item.get("hours"), language))
                for item in payload.get("sessions") or []]
    return resolve_template(template).render(
        p=payload, t=labels, qr=qr_svg(payload["verify_url"]),
        embedded=embedded_text(payload, signature),
        hours=format_hours(payload["course"].get("duration_hours"), language),
        sessions=sessions, signature_image=signature_image,
        completed_on=format_date(payload["completed_at"], language),
        issued_on=format_date(payload["issued_at"], language),
        expires_on=format_date(payload.get("expires_at"), language),
    )


def render_payload_pdf(payload: dict, signature: str, *, template: str = "default",
                       signature_image: str | None = None) -> bytes:
    """Render a PDF for ``payload`` as signed by ``signature`` (tests pass forged ones)."""
    document, stylesheets = split_stylesheet(render_html(
        payload, signature, template=template, signature_image=signature_image))
    html = HTML(string=document, url_fetcher=inline_only_fetcher(), base_url="data:,")
    font_config, _ = weasyprint_resources()
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the PDF/A output intent and never closes it.
        warnings.filterwarnings("ignore", message=r".*sRGB2014\.icc", category=ResourceWarning)
        return html.write_pdf(pdf_variant=PDF_VARIANT, stylesheets=stylesheets,
                              font_config=font_config)


def certificate_template_name(certificate: Certificate) -> str:
    return content_for(certificate.course_version).course.certificate.template or "default"


def trainer_signature_image(certificate: Certificate) -> str | None:
    """The responsible trainer's signature as a ``data:`` URL, when one was uploaded."""
    if certificate.trainer_id is None:
        return None
    row = db.session.execute(
        select(TrainerSignature.media_type, TrainerSignature.image)
        .where(TrainerSignature.user_id == certificate.trainer_id)).first()
    if row is None:
        return None
    return f"data:{row.media_type};base64,{base64.b64encode(row.image).decode('ascii')}"


def render_certificate_pdf(certificate: Certificate) -> bytes:
    return render_payload_pdf(certificate.payload, certificate.signature,
                              template=certificate_template_name(certificate),
                              signature_image=trainer_signature_image(certificate))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF rendered ahead by the job ``certificates.render``, else rendered now."""
    stored = db.session.scalar(select(CertificateDocument.pdf).where(
        CertificateDocument.certificate_id == certificate.id))
    return stored if stored is not None else render_certificate_pdf(certificate)


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
