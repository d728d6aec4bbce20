"""The quiz page's HTML helpers: placing questions, naming gaps, links, reading responses."""

from werkzeug.datastructures import MultiDict

from lms.learning import quiz_form

LESSON_HTML = (
    '<h1 id="t">Test</h1>\n<p>Einleitung mit <a href="media/plan.pdf">Plan</a>.</p>\n'
    '<div class="quiz-question" data-kind="gap" data-points="1" data-question-id="a">\n'
    '<div class="quiz-stem"><div class="callout"><p>Lücke: <input type="text" class="quiz-gap" '
    'data-gap-id="g1" aria-label="Lücke 1" autocomplete="off">.</p></div></div>\n</div>\n'
    '<p>Zwischentext, siehe <a href="grundlagen#teil" class="lesson-link" '
    'data-lesson-id="grundlagen">Grundlagen</a>.</p>\n'
    '<div class="quiz-question" data-kind="single" data-points="1" data-question-id="b">\n'
    '<div class="quiz-stem"><p>Frage?</p></div>\n</div>\n'
)


def test_segments_keep_the_authors_text_around_the_questions():
    parts = quiz_form.segments(LESSON_HTML)
    assert [kind for kind, _value in parts] == ["html", "question", "html", "question"]
    assert parts[1] == ("question", "a") and parts[3] == ("question", "b")
    assert "Zwischentext" in parts[2][1]
    assert all("quiz-stem" not in value for kind, value in parts if kind == "html")


def test_links_point_at_lms_urls():
    html = quiz_form.rewrite_links(LESSON_HTML, "/courses/k/media/",
                                   lambda lesson_id: f"/learn/k/{lesson_id}")
    assert 'href="/courses/k/media/plan.pdf"' in html
    assert 'href="/learn/k/grundlagen#teil"' in html


def test_gap_inputs_get_names_and_numeric_ones_a_hint():
    view = {"id": "n", "kind": "numeric",
            "stem": '<p><input type="text" class="quiz-gap" data-gap-id="value" '
                    'aria-label="Zahlenwert" inputmode="decimal"> kWh</p>'}
    stem = quiz_form.with_named_gaps(view)
    assert 'name="q-n-value" id="q-n-value"' in stem
    assert 'aria-describedby="q-n-value-hint"' in stem
    assert 'inputmode="decimal"' in stem
    blank = quiz_form.blank_gaps(view["stem"], "Lücke")
    assert "<input" not in blank and '<span class="visually-hidden">Lücke</span>' in blank


ORDERING = {"id": "o", "kind": "ordering", "items": [{"id": "i-1"}, {"id": "i-2"}, {"id": "i-3"}]}


def test_ordering_is_read_from_positions():
    form = MultiDict({"q-o-i-1": "3", "q-o-i-2": "1", "q-o-i-3": "2"})
    assert quiz_form.read_response(ORDERING, form) == ["i-2", "i-3", "i-1"]


def test_ordering_with_a_position_twice_or_missing_is_no_answer():
    assert quiz_form.read_response(
        ORDERING, MultiDict({"q-o-i-1": "1", "q-o-i-2": "1", "q-o-i-3": "2"})) is None
    assert quiz_form.read_response(ORDERING, MultiDict({"q-o-i-1": "1"})) is None
    assert quiz_form.read_response(
        ORDERING, MultiDict({"q-o-i-1": "1", "q-o-i-2": "2", "q-o-i-3": "-3"})) is None


def test_only_offered_values_are_kept():
    single = {"id": "s", "kind": "single", "choices": [{"id": "c-1"}, {"id": "c-2"}]}
    multiple = {**single, "id": "m", "kind": "multiple"}
    matching = {"id": "x", "kind": "matching", "left": [{"id": "l-1"}, {"id": "l-2"}],
                "right": [{"id": "r-1"}]}
    form = MultiDict([("q-s", "c-9"), ("q-m", "c-2"), ("q-m", "c-9"), ("q-m", "c-2"),
                      ("q-x-l-1", "r-1"), ("q-x-l-2", "r-9"), ("q-s-extra", "1")])
    assert quiz_form.read_response(single, form) is None
    assert quiz_form.read_response(multiple, form) == ["c-2"]
    assert quiz_form.read_response(matching, form) == {"l-1": "r-1"}


def test_response_text_uses_the_xapi_delimiters():
    assert quiz_form.response_text(["a", "b"]) == "a[,]b"
    assert quiz_form.response_text({"l": "r"}) == "l[.]r"
    assert quiz_form.response_text(True) == "true"
    assert quiz_form.response_text(None) == ""
    assert len(quiz_form.response_text("x" * 5000)) == quiz_form.MAX_RESPONSE
