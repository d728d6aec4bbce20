"""Issue 18 in the library: review dates, summary/applies boxes, checks, linked sources."""

import datetime

import pytest

from authoring import currency
from authoring.build import load_course
from authoring.model import Course, LessonContent, LocalizedText, Module
from authoring.model import Lesson as LessonModel

from .conftest import lesson_text


@pytest.mark.parametrize(("text", "months"), [
    ("6 months", 6), ("1 month", 1), ("2 years", 24), ("18 Monate", 18), ("1 Jahr", 12),
    ("0 months", None), ("bald", None), ("6", None),
])
def test_review_every_reads_months_and_years(text, months):
    assert currency.parse_review_every(text) == months


def test_review_dates_move_by_calendar_months_clamped_to_the_month():
    assert currency.review_due(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert currency.review_due(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert currency.review_due(datetime.date(2026, 12, 7), 12) == datetime.date(2027, 12, 7)


def test_review_is_due_the_day_after_the_interval_ends(course_dir):
    lesson = course_dir / "modules/01-grundlagen/02-sicherheit.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(
        "reviewed: 2026-12-07", "reviewed: 2026-06-07\nreview_every: 6 months"), encoding="utf-8")
    on_the_day = load_course(course_dir, today=datetime.date(2026, 12, 7))[1]
    assert "review-due" not in {d.code for d in on_the_day}
    after = load_course(course_dir, today=datetime.date(2026, 12, 8))[1]
    assert [(d.code, d.line) for d in after if d.code == "review-due"] == [("review-due", 5)]


def test_summary_and_applies_have_default_titles_per_language(render):
    body = "# T\n\n:::summary\nKurz.\n:::\n\n:::applies\nAb 50 Beschäftigten.\n:::\n"
    german = render(lesson_text(body)).content.html
    english = render(lesson_text(body), language="en").content.html
    assert 'class="callout callout-summary"' in german and "Das Wichtigste in Kürze" in german
    assert "Gilt das für uns?" in german and 'class="callout callout-applies"' in german
    assert "In brief" in english and "Does this apply to us?" in english
    titled = render(lesson_text(":::applies Gilt das für Werke unter 50 MW?\nText.\n:::\n"))
    assert "Gilt das für Werke unter 50 MW?" in titled.content.html


def test_check_is_ungraded_and_keeps_its_solution_on_the_server(render):
    result = render(lesson_text(
        "# T\n\n:::check id=c1\nWas gilt?\n[(X)] Richtig\n> Geheim-Rückmeldung\n[( )] Falsch\n"
        "Erklärung: Geheim-Erklärung\n:::\n"))
    assert [d["code"] for d in result.diagnostics] == ["sources-missing"]
    assert result.content.questions == []
    (check,) = result.content.checks
    assert check.id == "c1" and [c.is_correct for c in check.choices] == [True, False]
    html = result.content.html
    assert 'class="check-question"' in html and 'data-question-id="c1"' in html
    assert "Geheim" not in html and "Richtig" not in html


def test_check_takes_no_points(render):
    result = render(lesson_text(":::check id=c1 points=2\nA?\n[(X)] a\n[( )] b\n:::\n"))
    assert "block-args" in [d["code"] for d in result.diagnostics]


def test_bare_source_urls_become_links_but_not_in_code_or_links(render):
    html = render(lesson_text(
        "# T\n\n## Quellen\n\n- § 16 EnEfG. https://www.gesetze-im-internet.de/enefg/__16.html "
        "(abgerufen am 07.12.2026)\n- <https://a.example/> und `https://b.example/`\n")).content.html
    assert ('<a class="bare-url" href="https://www.gesetze-im-internet.de/enefg/__16.html" '
            'rel="noopener noreferrer">https://www.gesetze-im-internet.de/enefg/__16.html</a> '
            '(abgerufen') in html
    assert html.count("<a ") == 2 and "<code>https://b.example/</code>" in html


def test_review_schedule_lists_overdue_undated_and_soon():
    def lesson(lesson_id, reviewed, months=12):
        content = LessonContent(language="de", title=lesson_id.title(),
                                source=f"modules/01-m/{lesson_id}.md")
        return LessonModel(id=lesson_id, kind="lesson", module_id="m", order=1,
                           content={"de": content}, reviewed=reviewed,
                           review_every_months=months)

    course = Course(id="c", version="1.0.0", title=LocalizedText(de="C"), modules=[Module(
        id="m", title=LocalizedText(de="M"), order=1, folder="modules/01-m", lessons=[
            lesson("frisch", "2026-12-01"), lesson("alt", "2025-01-10"),
            lesson("ohne", None), lesson("bald", "2026-06-20", 6)])])
    items = currency.review_schedule(course, datetime.date(2026, 12, 7))
    assert [(i.lesson_id, i.status) for i in items] == [
        ("alt", "overdue"), ("ohne", "missing"), ("bald", "soon")]
    assert items[0].due == datetime.date(2026, 1, 10)
