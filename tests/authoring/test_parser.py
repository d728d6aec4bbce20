"""Rendering lesson Markdown: figures, blocks, glossary, links, and where errors point."""

from authoring.render_state import GlossaryEntry

from .conftest import lesson_text

GLOSSARY = {"bev": GlossaryEntry("BEV", "bev", {"de": "Batterieelektrisches Fahrzeug"})}


def codes(result):
    return [(d["line"], d["column"], d["code"]) for d in result.diagnostics]


def test_lone_image_becomes_a_figure_with_caption(render):
    body = "# T\n\n![Schema des Antriebsstrangs](./media/a.svg \"Abb. 1: Antrieb\")\n"
    html = render(lesson_text(body)).content.html
    assert ('<figure><img alt="Schema des Antriebsstrangs" loading="lazy" src="media/a.svg">'
            "<figcaption>Abb. 1: Antrieb</figcaption>") in html
    assert "title=" not in html


def test_inline_image_stays_inline(render):
    html = render(lesson_text("# T\n\nText ![Symbol für Achtung](media/a.svg) Text\n")).content.html
    assert "<figure>" not in html and '<img alt="Symbol für Achtung"' in html


def test_media_references_are_collected(course):
    media = {(m.path, m.kind) for m in course.lesson("antriebe").variant("de").media}
    assert media == {
        ("media/antriebsstrang.svg", "image"),
        ("media/freischalten.mp4", "video"),
        ("media/freischalten.de.vtt", "captions"),
        ("media/checkliste.pdf", "download"),
    }


def test_glossary_term_links_to_its_anchor_with_the_definition_as_title(render):
    result = render(lesson_text("# T\n\nEin {{BEV}} und {{Fahrzeuge|bev}}.\n"), glossary=GLOSSARY)
    html = result.content.html
    assert ('<a class="glossary-term" href="#glossary-bev" '
            'title="Batterieelektrisches Fahrzeug" rel="noopener noreferrer">BEV</a>') in html
    assert ">Fahrzeuge</a>" in html
    assert result.content.glossary == ["bev"]


def test_glossary_in_code_is_left_alone(render):
    html = render(lesson_text("# T\n\n`{{BEV}}`\n")).content.html
    assert "<code>{{BEV}}</code>" in html


def test_callouts_have_default_and_custom_titles(render):
    body = "# T\n\n:::warning\nAchtung, **heiß**.\n:::\n\n:::safety Hochvolt-Gefahr\nText.\n:::\n"
    html = render(lesson_text(body)).content.html
    assert '<aside class="callout callout-warning">\n<p class="callout-title">Achtung</p>' in html
    assert "<strong>heiß</strong>" in html
    assert '<p class="callout-title">Hochvolt-Gefahr</p>' in html


def test_callout_bodies_may_hold_fenced_code_with_block_syntax(render):
    body = "# T\n\n:::tip\n```\n:::note\n```\n:::\n"
    result = render(lesson_text(body))
    assert "<code>:::note\n</code>" in result.content.html
    assert result.diagnostics == [] or all(d["code"] == "sources-missing"
                                           for d in result.diagnostics)


def test_fenced_code_outside_blocks_is_not_a_block(render):
    result = render(lesson_text("# T\n\n```markdown\n:::quiz id=x\n```\n"))
    assert not result.content.questions
    assert "block-unknown" not in str(result.diagnostics)


def test_video_with_captions_and_transcript(render):
    body = ("# T\n\n:::video src=media/v.mp4 captions=media/v.en.vtt poster=media/p.png\n"
            "Transkript: Die Fachkraft misst.\n:::\n")
    html = render(lesson_text(body)).content.html
    assert '<video controls="" poster="media/p.png" preload="metadata" src="media/v.mp4">' in html
    assert 'label="English" src="media/v.en.vtt" srclang="en"' in html
    assert '<summary>Transkript</summary>\n<div>\n<p>Die Fachkraft misst.</p>' in html


def test_download_block(render):
    html = render(lesson_text("# T\n\n:::download src=media/c.pdf\nCheckliste (PDF)\n:::\n"))
    assert ('<a class="download-link" download="download" href="media/c.pdf" '
            'rel="noopener noreferrer">Checkliste (PDF)</a>') in html.content.html


def test_lesson_links_become_lesson_ids(render):
    paths = {"modules/01-m/02-b.md": "zweite", "modules/02-n/01-c.md": "dritte"}
    body = "# T\n\n[Zweite Lektion](02-b.md#teil) und [Dritte Lektion](../02-n/01-c.md)\n"
    result = render(lesson_text(body), lesson_paths=paths)
    assert 'data-lesson-id="zweite" href="zweite#teil"' in result.content.html
    assert 'href="dritte"' in result.content.html
    assert [link["lesson"] for link in result.links] == ["zweite", "dritte"]


def test_heading_ids_transliterate_umlauts(render):
    html = render(lesson_text("# Übersicht\n\n## Größen und Maße\n")).content.html
    assert '<h1 id="uebersicht">' in html and '<h2 id="groessen-und-masse">' in html


def test_front_matter_error_positions_count_the_fence_line(render):
    result = render("---\nid: probe\ntitle: [unclosed\n---\n\n# T\n")
    assert codes(result)[0] == (3, 17, "yaml-syntax")


def test_quiz_errors_point_at_the_block_line(render):
    body = "# T\n\n\n:::quiz id=q\nFrage?\n[( )] A\n[( )] B\n:::\n"
    result = render(lesson_text(body, "id: probe\ntitle: P\ntype: quiz"))
    assert (10, 1, "quiz-single-correct") in codes(result)


def test_quiz_in_a_plain_lesson_is_a_warning(render):
    body = "# T\n\n:::quiz id=q\nFrage?\n[(wahr)]\n:::\n"
    result = render(lesson_text(body))
    assert (8, 1, "quiz-in-lesson") in codes(result)


def test_session_front_matter_becomes_a_session_spec(course):
    session = course.lesson("workshop").variant("de").session
    assert session.format == "on-site" and session.duration_minutes == 240
    assert session.agenda[0] == "09:00 Begrüßung und Sicherheitsunterweisung"
    assert session.trainer_checks == ["Teilnehmende wenden die fünf Sicherheitsregeln an"]


def test_explanation_may_be_bold_and_feedback_may_span_lines(render):
    body = ("# T\n\n:::quiz id=q\nFrage?\n[(X)] A\n> Erste Zeile\n> zweite Zeile\n[( )] B\n"
            "**Erklärung:** Weil A.\n\nZweiter Absatz.\n:::\n")
    result = render(lesson_text(body, "id: probe\ntitle: P\ntype: quiz"))
    question = result.content.questions[0]
    assert question.choices[0].feedback == "<p>Erste Zeile\nzweite Zeile</p>"
    assert question.explanation == "<p>Weil A.</p>\n<p>Zweiter Absatz.</p>"
    assert result.diagnostics == []


def test_glossary_with_shown_text_inside_a_table_row(render):
    body = "# T\n\n| A | B |\n|---|---|\n| {{Fahrzeuge|BEV}} | {{BEV}} |\n"
    result = render(lesson_text(body), glossary=GLOSSARY)
    assert result.content.html.count('class="glossary-term"') == 2
    assert ">Fahrzeuge</a></td>" in result.content.html
    undefined = render(lesson_text("# T\n\n| A |\n|---|\n| {{Autos|PKW}} |\n"))
    assert [(d["line"], d["column"]) for d in undefined.diagnostics
            if d["code"] == "glossary-undefined"] == [(10, 3)]


def test_bare_urls_in_text_become_links_that_survive_sanitising(render):
    body = ("# T\n\n## Quellen\n\n"
            "- IEA: Global EV Outlook 2025. https://www.iea.org/reports/global-ev-outlook-2025\n"
            "- Norm (siehe https://example.org/a_(b)), Stand 2024.\n"
            "- Schon verlinkt: [AFIR-Verordnung](https://eur-lex.europa.eu/eli/reg/2023/1804/oj)\n"
            "- Im Code bleibt es Text: `https://example.com/raw`\n")
    result = render(lesson_text(body))
    html = result.content.html
    assert ('<a class="bare-url" href="https://www.iea.org/reports/global-ev-outlook-2025" '
            'rel="noopener noreferrer">https://www.iea.org/reports/global-ev-outlook-2025</a>'
            ) in html
    assert 'href="https://example.org/a_(b)"' in html and "</a>), Stand 2024." in html
    assert html.count('href="https://eur-lex.europa.eu/eli/reg/2023/1804/oj"') == 1
    assert "<code>https://example.com/raw</code>" in html
    assert not [d for d in result.diagnostics if d["code"] == "link-text"]
