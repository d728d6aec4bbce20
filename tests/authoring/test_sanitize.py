"""Trainers' raw HTML cannot smuggle script into a lesson."""

import pytest

from authoring.lesson_file import read_lesson_file
from authoring.parser import LessonRenderer
from authoring.sanitize import SanitizePolicy, sanitize_html

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


# --- no imitation of the platform's interface ----------------------------------------

FORM_CONTROLS = [
    '<p>Bitte bestätigen: <input type="password" name="pw" placeholder="Passwort"></p>',
    '<input type="text" class="quiz-gap" data-gap-id="g1">',
    '<button type="submit" class="button">Anmelden</button>',
    '<select name="x"><option>Ja</option></select>',
    '<textarea name="notiz">x</textarea>',
    '<label for="pw">Passwort</label><input id="pw" type="password">',
]


@pytest.mark.parametrize("markup", FORM_CONTROLS)
def test_form_controls_are_removed(render, markup):
    body = f"# Titel\n\n{markup}\n\nText {markup} im Absatz.\n"
    for html in (sanitize_html(markup), render(lesson_text(body)).content.html):
        for tag in ("<input", "<button", "<select", "<textarea", "<option", "<form"):
            assert tag not in html.lower()


@pytest.mark.parametrize(("markup", "kept"), [
    ('<div class="flash flash-error" role="alert">Ihr Konto ist gesperrt.</div>',
     "<div>Ihr Konto ist gesperrt.</div>"),
    ('<p class="button button-primary nav-link">Weiter</p>', "<p>Weiter</p>"),
    ('<aside class="callout callout-warning flash-success">x</aside>',
     '<aside class="callout callout-warning">x</aside>'),
    ('<pre><code class="language-python site-header">x</code></pre>',
     '<pre><code class="language-python">x</code></pre>'),
    ('<p class="language-python">x</p>', "<p>x</p>"),
])
def test_only_content_classes_survive(renderer, markup, kept):
    assert sanitize_html(markup, renderer.policy) == kept


def test_the_renderers_own_classes_survive(course):
    html = "".join(content.html for lesson in course.lessons()
                   for content in lesson.content.values())
    for name in ("quiz-question", "quiz-stem", "quiz-gap", "callout", "glossary-term"):
        assert f'class="{name}' in html or f' {name}"' in html, name


def test_quiz_gaps_stay_inputs_while_a_trainers_input_in_the_stem_goes(render):
    body = ("# Test\n\n:::quiz id=regel\nDie erste Regel: [[Freischalten]]. "
            '<input type="password" name="pw">\n> Erklärung.\n:::\n')
    result = render(lesson_text(body, "id: probe\ntitle: Probe\nkind: quiz"))
    stem = result.content.questions[0].stem
    for html in (stem, result.content.html):
        assert html.count("<input") == 1
        assert '<input type="text" class="quiz-gap" data-gap-id="g1"' in html
        assert "password" not in html and "\ue000" not in html


# --- external images ------------------------------------------------------------------

EXTERNAL_SOURCES = [
    '<img src="https://evil.example/pixel.png" alt="Ein Zählpixel von außen">',
    '<img src="http://evil.example/pixel.png" alt="Ein Zählpixel von außen">',
    '<img src="//evil.example/pixel.png" alt="Ein Zählpixel von außen">',
    '<img src="/\\evil.example/pixel.png" alt="Ein Zählpixel von außen">',
    '<img src=" https://evil.example/pixel.png" alt="Ein Zählpixel von außen">',
    '<video controls src="https://evil.example/v.mp4" poster="https://evil.example/p.png">'
    '</video>',
    '<audio controls src="https://evil.example/a.mp3"></audio>',
]


@pytest.mark.parametrize("markup", EXTERNAL_SOURCES)
def test_external_images_and_media_are_dropped_by_default(markup):
    assert "evil.example" not in sanitize_html(markup)


@pytest.mark.parametrize("markup", EXTERNAL_SOURCES)
def test_external_images_only_from_hosts_the_operator_allows(markup):
    cdn = SanitizePolicy.build(image_hosts=["cdn.example.org"])
    assert "evil.example" not in sanitize_html(markup, cdn)
    allowed = '<img src="https://CDN.example.org/a.png" alt="Schaltplan der Anlage">'
    assert 'src="https://CDN.example.org/a.png"' in sanitize_html(allowed, cdn)
    assert "https://CDN.example.org" not in sanitize_html(allowed)
    anywhere = SanitizePolicy.build(image_hosts=["*"])
    assert 'src="https://evil.example/pixel.png"' in sanitize_html(
        '<img src="https://evil.example/pixel.png" alt="x">', anywhere)
    assert 'src="media/a.png"' in sanitize_html('<img src="media/a.png" alt="x">')


def test_raw_external_image_in_a_lesson_is_an_error_at_its_line(render):
    body = ("# Titel\n\nText.\n\n"
            '<img src="https://evil.example/pixel.png" alt="Ein Zählpixel von außen">\n')
    result = render(lesson_text(body))
    assert "evil.example" not in result.content.html
    errors = [d for d in result.diagnostics if d["code"] == "media-path"]
    assert errors and errors[0]["line"] == 10  # after four lines of front matter
    assert "https://evil.example/pixel.png" in errors[0]["message"]


def test_an_allowed_host_works_for_markdown_and_raw_images():
    renderer = LessonRenderer(image_hosts=["cdn.example.org"])
    body = ("# Titel\n\n![Schaltplan der Ladesäule](https://cdn.example.org/plan.png)\n\n"
            '<img src="https://cdn.example.org/raw.png" alt="Foto der Ladesäule">\n\n'
            '<img src="https://evil.example/x.png" alt="Ein Zählpixel von außen">\n')
    result = read_lesson_file(lesson_text(body), path="lesson.md",
                              source="modules/01-m/lesson.md", language="de",
                              renderer=renderer, glossary={}, lesson_paths={})
    html = result.content.html
    assert 'src="https://cdn.example.org/plan.png"' in html
    assert 'src="https://cdn.example.org/raw.png"' in html
    assert "evil.example" not in html
    problems = [d["message"] for d in result.diagnostics if d["code"] == "media-path"]
    assert len(problems) == 1 and "evil.example" in problems[0]
