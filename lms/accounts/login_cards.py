"""Printed login cards for shop-floor accounts: an A4 PDF, one card per person (WeasyPrint).

Each card shows company code, personnel number and the one-time start code, and a QR code
that opens the start page with code and number filled in (the start code is not in the
QR code: a photo of the QR code alone signs nobody in). All assets are inline; the URL
fetcher refuses everything but ``data:`` URLs.
"""

import segno
from flask import render_template, url_for
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from lms.accounts.shop_floor import IssuedCard, format_start_code


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)


def render_cards(cards: list[IssuedCard]) -> bytes:
    entries = []
    for card in cards:
        link = url_for("accounts.redeem_start_code", org=card.organisation.code,
                       nr=card.personnel_number, _external=True)
        entries.append({
            "card": card, "link": link, "code": format_start_code(card.start_code),
            "qr": Markup(segno.make(link, error="m").svg_inline(scale=3, border=0)),
        })
    html = render_template("accounts/login_cards_pdf.html", entries=entries)
    return HTML(string=html, url_fetcher=_fetcher()).write_pdf()
