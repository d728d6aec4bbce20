"""The quiz as an HTML form: questions as the browser may see them, and the form read back.

Everything the page shows of a question comes from :func:`authoring.learner_view.learner_view`
(stems, option texts and ids, shuffled): never the ``Question`` with its solution. Reading
the form back keeps only the controls the page offered, with values it offered; anything
else a client sends is dropped, and what cannot be read counts as no answer.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from authoring.learner_view import learner_view
from authoring.model import Lesson, Question

#: Longest text kept from one gap or number input; longer input is cut, never an error.
MAX_TEXT = 200
#: Longest answer kept for an open question.
MAX_OPEN_TEXT = 5000
#: Longest ``result.response`` written to the LRS.
MAX_RESPONSE = 1000

_DIV = re.compile(r"<div\b|</div>", re.IGNORECASE)
_PLACEHOLDER = re.compile(r'<div class="quiz-question"[^>]*data-question-id="([^"]+)"[^>]*>')
#: an ungraded check (``:::check``) in a lesson of type lesson
CHECK_PLACEHOLDER = re.compile(r'<div class="check-question"[^>]*data-question-id="([^"]+)"[^>]*>')
_GAP_INPUT = re.compile(r'<input\b([^>]*?)\bdata-gap-id="([^"]+)"([^>]*)>')
_MEDIA = re.compile(r'\b(src|href)="media/')
_LESSON_LINK = re.compile(r'<a\b[^>]*class="lesson-link"[^>]*>')
_HREF = re.compile(r'href="[^"]*?(#[^"]*)?"')
_LESSON_ID = re.compile(r'data-lesson-id="([^"]+)"')


def field_name(question_id: str, part: str | None = None) -> str:
    """The form field of a question (single, multiple, true/false) or of one of its parts."""
    return f"q-{question_id}" if part is None else f"q-{question_id}-{part}"


def question_views(lesson: Lesson, seed: str, language: str,
                   question_ids: list[str] | None = None) -> list[dict]:
    """The learner views of the lesson's questions, in order, each with its number.

    :param question_ids: only these (an attempt's draw from the pool); ``None``: all.
    """
    views = []
    questions = lesson.questions(language)
    if question_ids is not None:
        wanted = set(question_ids)
        questions = [q for q in questions if q.id in wanted]
    for number, question in enumerate(questions, start=1):
        view = learner_view(question, seed, language)
        view["number"] = number
        view["field"] = field_name(question.id)
        views.append(view)
    return views


def with_named_gaps(view: dict) -> str:
    """The stem of a gap or numeric question with its inputs named for the form.

    The stem's ``<input class="quiz-gap" data-gap-id="…">`` carry no name; give each the
    field name and an id, and point numeric inputs at the hint on how to write numbers.
    """
    question_id = view["id"]

    def name(match: re.Match) -> str:
        before, gap_id, after = match.groups()
        name = field_name(question_id, gap_id)
        extra = f' name="{name}" id="{name}" maxlength="{MAX_TEXT}"'
        if view["kind"] == "numeric":
            extra += f' aria-describedby="{name}-hint"'
        return f"<input{before}data-gap-id=\"{gap_id}\"{after.rstrip()}{extra}>"

    return _GAP_INPUT.sub(name, view["stem"])


def blank_gaps(stem: str, label: str) -> str:
    """A stem for reading, not answering: each gap input becomes a blank named ``label``."""
    blank = (f'<span class="quiz-blank" aria-hidden="true">______</span>'
             f'<span class="visually-hidden">{escape(label)}</span>')
    return _GAP_INPUT.sub(blank, stem)


def rewrite_links(html: str, media_prefix: str, lesson_url: Callable[[str], str]) -> str:
    """Point course-relative media and lesson links of lesson HTML at their LMS URLs."""
    html = _MEDIA.sub(lambda m: f'{m.group(1)}="{media_prefix}', html)

    def link(match: re.Match) -> str:
        tag = match.group(0)
        lesson_id = _LESSON_ID.search(tag)
        if lesson_id is None:
            return tag
        return _HREF.sub(
            lambda h: f'href="{lesson_url(lesson_id.group(1))}{h.group(1) or ""}"', tag, count=1)

    return _LESSON_LINK.sub(link, html)


def segments(html: str, placeholder: re.Pattern = _PLACEHOLDER) -> list[tuple[str, str]]:
    """Split quiz lesson HTML into ``("html", chunk)`` and ``("question", id)`` in order.

    The package marks each question with a placeholder ``<div class="quiz-question" …>``
    holding only its stem; the page puts the form controls in its place, so the author's
    text around the questions stays where it was written. With ``CHECK_PLACEHOLDER`` the
    lesson player places its ungraded checks the same way.
    """
    parts: list[tuple[str, str]] = []
    position = 0
    for match in placeholder.finditer(html):
        if match.start() < position:
            continue  # inside a placeholder already consumed
        end = _placeholder_end(html, match.end())
        if html[position:match.start()].strip():
            parts.append(("html", html[position:match.start()]))
        parts.append(("question", match.group(1)))
        position = end
    if html[position:].strip():
        parts.append(("html", html[position:]))
    return parts


def _placeholder_end(html: str, start: int) -> int:
    depth = 1
    for tag in _DIV.finditer(html, start):
        depth += -1 if tag.group(0).lower() == "</div>" else 1
        if depth == 0:
            return tag.end()
    return len(html)


def _text(value: Any) -> str:
    return str(value or "").strip()[:MAX_TEXT]


def read_response(view: dict, form) -> Any:
    """Read one question's response from the submitted form; ``None`` when there is none.

    :param view: the question's learner view (what the page offered).
    :param form: a ``MultiDict`` of the submitted fields.
    """
    kind, question_id = view["kind"], view["id"]
    name = field_name(question_id)
    if kind in ("single", "truefalse"):
        offered = {choice["id"] for choice in view["choices"]}
        value = form.get(name)
        if value not in offered:
            return None
        return value if kind == "single" else value == "true"
    if kind == "multiple":
        offered = [choice["id"] for choice in view["choices"]]
        picked = set(form.getlist(name))
        chosen = [choice_id for choice_id in offered if choice_id in picked]
        return chosen or None
    if kind == "gap":
        texts = {gap["id"]: _text(form.get(field_name(question_id, gap["id"])))
                 for gap in view["gaps"]}
        return texts if any(texts.values()) else None
    if kind == "numeric":
        return _text(form.get(field_name(question_id, "value"))) or None
    if kind == "open":
        text = str(form.get(name) or "").replace("\r\n", "\n").strip()[:MAX_OPEN_TEXT]
        return text or None
    if kind == "ordering":
        items = [item["id"] for item in view["items"]]
        positions: dict[str, int] = {}
        for item_id in items:
            value = _text(form.get(field_name(question_id, item_id)))
            if not value.isdigit():
                return None
            positions[item_id] = int(value)
        if sorted(positions.values()) != list(range(1, len(items) + 1)):
            return None  # a position given twice: no order can be read
        return sorted(items, key=positions.__getitem__)
    if kind == "matching":
        offered = {right["id"] for right in view["right"]}
        pairs = {}
        for left in view["left"]:
            value = form.get(field_name(question_id, left["id"]))
            if value in offered:
                pairs[left["id"]] = value
        return pairs or None
    return None


def read_responses(views: list[dict], form) -> dict[str, Any]:
    """Read every question's response; questions without an answer are left out."""
    responses = {}
    for view in views:
        response = read_response(view, form)
        if response is not None:
            responses[view["id"]] = response
    return responses


def response_text(response: Any) -> str:
    """The learner's answer as a short text for ``result.response`` (ids, xAPI delimiters)."""
    if response is None:
        return ""
    if isinstance(response, bool):
        text = "true" if response else "false"
    elif isinstance(response, Mapping):
        text = "[,]".join(f"{key}[.]{value}" for key, value in response.items())
    elif isinstance(response, list | tuple):
        text = "[,]".join(str(item) for item in response)
    else:
        text = str(response)
    return text[:MAX_RESPONSE]


@dataclass(frozen=True)
class GivenAnswer:
    """The learner's answer to one question, in words, for the result page."""

    lines: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...] = ()


def given_answer(question: Question, response: Any, true_false: tuple[str, str]) -> GivenAnswer:
    """Turn a stored response into the texts the learner chose or typed.

    Option texts are sanitized HTML from the package (``Markup``); typed texts stay plain
    strings, so the template escapes them. Ids that do not belong to the question are
    left out.
    """
    if response is None:
        return GivenAnswer(())
    kind = question.kind
    if kind in ("single", "multiple", "ordering"):
        texts = {choice.id: Markup(choice.text) for choice in question.choices}
        picked = [response] if isinstance(response, str) else list(response)
        return GivenAnswer(tuple(texts[i] for i in picked if isinstance(i, str) and i in texts))
    if kind == "truefalse":
        return GivenAnswer((true_false[0] if response is True else true_false[1],))
    if kind == "gap" and isinstance(response, Mapping):
        return GivenAnswer(tuple(str(response.get(gap.id) or "–") for gap in question.gaps))
    if kind == "numeric":
        unit = question.numeric.unit if question.numeric else ""
        return GivenAnswer((f"{response} {unit}".strip(),))
    if kind == "open":
        return GivenAnswer((str(response),))
    if kind == "matching" and isinstance(response, Mapping):
        lefts = {pair.left.id: Markup(pair.left.text) for pair in question.pairs}
        rights = {pair.right.id: Markup(pair.right.text) for pair in question.pairs}
        return GivenAnswer((), tuple(
            (lefts[left], rights.get(response.get(left), "–")) for left in lefts
            if left in response))
    return GivenAnswer(())
