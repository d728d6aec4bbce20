"""The legal notice (Impressum) and privacy policy: Markdown the operator edits, sanitised.

Until the operator writes them, each page shows a default text that says what belongs
there, so a fresh install is never without the pages the law asks for.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markdown import Markdown
from markupsafe import Markup
from sqlalchemy import select

from authoring.sanitize import sanitize_html
from lms.accounts.models import User
from lms.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from lms.extensions import db
from lms.site.models import SitePage

#: the pages, by key: title and endpoint of the public page
PAGES = {
    "imprint": {"title": _l("Impressum"), "endpoint": "core.imprint"},
    "privacy": {"title": _l("Datenschutzerklärung"), "endpoint": "core.privacy_policy"},
}
#: longer texts are refused: a legal page, not a document store
MAX_LENGTH = 60_000

DEFAULTS = {
    ("imprint", "de"): """\
## Angaben gemäß § 5 DDG

**[Name des Betreibers, z. B. Transformationsnetzwerk ATLAS e. V.]**
[Straße und Hausnummer]
[PLZ Ort]

**Vertreten durch:** [Name der vertretungsberechtigten Person]

## Kontakt

Telefon: [Telefonnummer]
E-Mail: [E-Mail-Adresse]

## Registereintrag

[Registergericht und Registernummer, falls vorhanden]

## Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV

[Name, Anschrift]

*Dieser Text ist eine Vorlage. Die Administration ersetzt ihn unter „Rechtstexte bearbeiten“.*
""",
    ("imprint", "en"): """\
## Information pursuant to § 5 DDG (German Digital Services Act)

**[Name of the operator]**
[Street and number]
[Postcode and town]

**Represented by:** [name of the authorised representative]

## Contact

Phone: [phone number]
E-mail: [e-mail address]

*This text is a template. The administration replaces it under "Edit legal pages".*
""",
    ("privacy", "de"): """\
## Verantwortliche Stelle

[Name und Anschrift des Betreibers, Kontakt der oder des Datenschutzbeauftragten]

## Welche Daten wir verarbeiten

- **Konto:** Name, E-Mail-Adresse, Sprache, Passwort (nur als Hash gespeichert).
- **Lernen:** Kursanmeldungen, Lernfortschritt, Testversuche, Teilnahme an Terminen und
  Zertifikate. Lernaufzeichnungen (xAPI) nennen ein Pseudonym statt Ihres Namens.
- **Unternehmen:** Wenn Ihr Arbeitgeber Sie eingeladen hat, sieht er nur, was das
  Sichtbarkeitsprofil erlaubt; Testergebnisse nur mit Ihrer Einwilligung. Jeder Abruf wird
  protokolliert; Sie sehen das Protokoll unter „Freigaben“.

## Zweck und Rechtsgrundlage

Bereitstellung der Lernplattform und Nachweis von Weiterbildung (Art. 6 Abs. 1 lit. b
DSGVO); Weitergabe von Testergebnissen an Ihren Arbeitgeber nur mit Einwilligung
(Art. 6 Abs. 1 lit. a DSGVO), jederzeit widerruflich.

## Ihre Rechte

Auskunft, Berichtigung, Löschung, Einschränkung, Datenübertragbarkeit und Widerspruch.
Unter „Meine Daten“ sehen Sie alles, was über Sie gespeichert ist, und laden es herunter.
Beschwerden richten Sie an die zuständige Datenschutz-Aufsichtsbehörde.

## Cookies

Die Plattform setzt nur ein technisch notwendiges Sitzungs-Cookie.

*Dieser Text ist eine Vorlage. Die Administration ersetzt ihn unter „Rechtstexte bearbeiten“.*
""",
    ("privacy", "en"): """\
## Controller

[Name and address of the operator, contact of the data protection officer]

## What we process

- **Account:** name, e-mail address, language, password (stored as a hash only).
- **Learning:** enrolments, progress, quiz attempts, session attendance and certificates.
  Learning records (xAPI) name a pseudonym instead of your name.
- **Employer:** if your employer invited you, it sees only what the visibility profile
  allows; quiz results only with your consent. Every access is logged; you see the log
  under "Sharing".

## Your rights

Access, rectification, erasure, restriction, portability and objection. "My data" shows
everything stored about you, with a download.

## Cookies

The platform sets one technically necessary session cookie.

*This text is a template. The administration replaces it under "Edit legal pages".*
""",
}


def _page(key: str) -> SitePage | None:
    return db.session.scalar(select(SitePage).where(SitePage.key == key))


def page_source(key: str, language: str) -> str:
    """The Markdown of page ``key`` in ``language``: the operator's text, else German, else
    the default template.

    :raises NotFoundError: no such page.
    """
    if key not in PAGES:
        raise NotFoundError(_("Diese Seite gibt es nicht."))
    stored = _page(key)
    if stored is not None:
        text = (stored.body_en if language == "en" else "") or stored.body_de
        if text.strip():
            return text
    return DEFAULTS[(key, "en" if language == "en" else "de")]


def stored_sources(key: str) -> tuple[str, str]:
    """The operator's German and English text (empty when unset), for the edit form."""
    stored = _page(key)
    return (stored.body_de, stored.body_en) if stored is not None else ("", "")


def render_markdown(text: str) -> Markup:
    """Markdown to HTML through the lessons' allowlist: no scripts, no styles, safe links."""
    # nl2br: an address is written line by line and must stay that way
    html = Markdown(extensions=["tables", "sane_lists", "nl2br"],
                    output_format="html").convert(text)
    return Markup(sanitize_html(html))


def save_page(actor: User, key: str, body_de: str, body_en: str, now: datetime) -> SitePage:
    """Store the operator's text of page ``key`` (flush only).

    :raises PermissionDeniedError: not an administrator.
    :raises NotFoundError: no such page.
    :raises ValidationFailedError: text too long.
    """
    if not actor.is_admin:
        raise PermissionDeniedError(_("Nur die Administration darf Rechtstexte ändern."))
    if key not in PAGES:
        raise NotFoundError(_("Diese Seite gibt es nicht."))
    for field, text in (("body_de", body_de), ("body_en", body_en)):
        if len(text) > MAX_LENGTH:
            raise ValidationFailedError(
                _("Der Text ist zu lang (höchstens %(max)d Zeichen).", max=MAX_LENGTH),
                field=field)
    page = _page(key) or SitePage(key=key)
    page.body_de = body_de.strip()
    page.body_en = body_en.strip()
    page.updated_by_id = actor.id
    page.updated_at = now
    db.session.add(page)
    db.session.flush()
    return page
