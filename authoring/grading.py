"""Server-side grading of learner responses against the questions' solutions."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from authoring.model import DEFAULT_LANGUAGE, Lesson, Question
from authoring.numbers import parse_answer_number

DEFAULT_PASS_MARK = 70
TRUE_WORDS = {"true", "wahr", "1", "yes", "ja"}
FALSE_WORDS = {"false", "falsch", "0", "no", "nein"}


@dataclass(frozen=True)
class QuestionResult:
    """The outcome for one question; ``feedback`` and ``explanation`` are HTML."""

    question_id: str
    score: float
    max_score: float
    is_correct: bool
    feedback: tuple[str, ...] = ()
    explanation: str = ""
    answered: bool = True
    #: an open question: a trainer grades it; ``score`` is 0 until then
    is_pending: bool = False


@dataclass(frozen=True)
class QuizResult:
    score: float
    max_score: float
    percent: float
    passed: bool
    questions: tuple[QuestionResult, ...] = ()

    @property
    def is_pending(self) -> bool:
        """Open questions wait for a trainer: the attempt has no result yet."""
        return any(result.is_pending for result in self.questions)


def _normalize(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def _number(value: Any, language: str) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return parse_answer_number(value, language)
    return None


def _fraction(
    question: Question, response: Any, language: str
) -> tuple[float, tuple[str, ...]]:
    """Return the share of points earned (0…1) and the feedback to show."""
    kind = question.kind
    general = tuple(filter(None, [question.feedback]))
    if kind == "single":
        chosen = next((c for c in question.choices if c.id == response), None)
        if chosen is None:
            return 0.0, ()
        return (1.0 if chosen.is_correct else 0.0), tuple(filter(None, [chosen.feedback]))
    if kind == "multiple":
        if not isinstance(response, list | tuple | set):
            return 0.0, ()
        picked = set(response)
        correct = [c for c in question.choices if c.is_correct]
        right = sum(1 for c in correct if c.id in picked)
        wrong = sum(1 for c in question.choices if not c.is_correct and c.id in picked)
        feedback = tuple(c.feedback for c in question.choices if c.id in picked and c.feedback)
        return max(0, right - wrong) / len(correct) if correct else 0.0, feedback
    if kind == "truefalse":
        text = _normalize(response)
        answer = True if response is True or text in TRUE_WORDS else (
            False if response is False or text in FALSE_WORDS else None)
        if answer is None:
            return 0.0, ()
        return (1.0 if answer == question.answer else 0.0), tuple(filter(None, [question.feedback]))
    if kind == "gap":
        if isinstance(response, Mapping):
            given = [response.get(gap.id) for gap in question.gaps]
        elif isinstance(response, list | tuple):
            given = list(response) + [None] * (len(question.gaps) - len(response))
        else:
            return 0.0, ()
        right = sum(
            1 for gap, text in zip(question.gaps, given, strict=False)
            if text is not None and _normalize(text) in {_normalize(a) for a in gap.answers}
        )
        return right / len(question.gaps) if question.gaps else 0.0, general
    if kind == "numeric":
        if isinstance(response, bool) or not isinstance(response, int | float | str):
            return 0.0, ()
        value = _number(response, language)
        target = question.numeric
        if value is None or target is None:
            return 0.0, general
        return (1.0 if abs(value - target.value) <= target.tolerance + 1e-9 else 0.0), general
    if kind == "ordering":
        if not isinstance(response, list | tuple):
            return 0.0, ()
        order = [c.id for c in question.choices]
        feedback = tuple(c.feedback for c in question.choices if c.feedback) + general
        return (1.0 if list(response) == order else 0.0), feedback
    if kind == "matching":
        if not isinstance(response, Mapping) or not question.pairs:
            return 0.0, ()
        right = sum(1 for pair in question.pairs if response.get(pair.left.id) == pair.right.id)
        feedback = tuple(pair.right.feedback for pair in question.pairs if pair.right.feedback)
        return right / len(question.pairs), feedback + general
    return 0.0, ()


def grade_question(
    question: Question, response: Any, language: str = DEFAULT_LANGUAGE
) -> QuestionResult:
    """Grade one response; ``None`` means unanswered and scores zero.

    Responses use the option ids of :func:`authoring.learner_view.learner_view`:

    ========= ========================================================
    kind      response
    ========= ========================================================
    single    an option id
    multiple  a list of option ids
    truefalse ``True``/``False`` (or ``"true"``/``"false"``/``"wahr"``/``"falsch"``)
    gap       a list of texts in gap order, or ``{"g1": text, …}``
    numeric   a number, or text written the way ``language`` writes numbers:
              German ``"6.120,5"``/``"49,5"``, English ``"6,120.5"``/``"49.5"``
    ordering  the list of item ids in the learner's order
    matching  ``{left id: right id}``
    ========= ========================================================

    Single choice, true/false, numeric and ordering are all or nothing.
    Multiple choice earns ``points × max(0, right picks − wrong picks) / correct
    options``, so ticking everything earns nothing. Gaps and matching earn the
    share of gaps or pairs that are right. A question is correct only when it
    earns full points. Malformed responses score zero instead of raising, so a
    tampered request cannot turn into a server error; so does a number that
    cannot be read safely in ``language`` (German ``"6.12"``, English ``"6,12"``).

    ``feedback`` holds the feedback of the options picked (single, multiple),
    of the items and pairs (ordering, matching) and the question's own
    feedback (true/false, gap, numeric, ordering, matching).

    :param language: the language the learner answered in; it decides how a
        typed number is read (see :func:`authoring.numbers.parse_answer_number`).
    """
    if question.kind == "open":
        # graded by a trainer: pending, even when left empty (the trainer decides)
        return QuestionResult(question.id, 0.0, float(question.points), False,
                              answered=response is not None, is_pending=True)
    if response is None:
        return QuestionResult(question.id, 0.0, float(question.points), False,
                              explanation=question.explanation, answered=False)
    try:
        fraction, feedback = _fraction(question, response, language)
    except (TypeError, ValueError):
        fraction, feedback = 0.0, ()
    score = round(question.points * fraction, 4)
    return QuestionResult(
        question_id=question.id,
        score=score,
        max_score=float(question.points),
        is_correct=fraction >= 1.0,
        feedback=feedback,
        explanation=question.explanation,
    )


def _with_manual(result: QuestionResult, manual: Mapping[str, float] | None,
                 explanation: Mapping[str, str]) -> QuestionResult:
    """An open question's result with the points its trainer gave, once graded."""
    if not result.is_pending or not manual or result.question_id not in manual:
        return result
    score = round(min(max(float(manual[result.question_id]), 0.0), result.max_score), 4)
    return QuestionResult(result.question_id, score, result.max_score,
                          score >= result.max_score, answered=result.answered,
                          explanation=explanation.get(result.question_id, ""))


def draw_questions(lesson: Lesson, seed: str, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The ids of the questions one attempt shows, in lesson order.

    Without ``lesson.draw`` every question; else ``draw`` of them picked at random,
    the same for the same ``seed`` (the attempt), so a reload shows the same test and
    a new attempt (a new seed) most likely a different one. The draw is made over the
    German lesson's ids (translations have the same questions), so switching the
    language does not change it.
    """
    ids = [q.id for q in lesson.questions(DEFAULT_LANGUAGE)]
    if lesson.draw is None or lesson.draw >= len(ids):
        return [q.id for q in lesson.questions(language)]
    picked = set(random.Random(f"draw:{seed}").sample(ids, lesson.draw))
    return [q.id for q in lesson.questions(language) if q.id in picked]


def grade_quiz(
    lesson: Lesson, responses: Mapping[str, Any], language: str = DEFAULT_LANGUAGE,
    pass_mark: int | None = None, question_ids: list[str] | None = None,
    manual: Mapping[str, float] | None = None,
) -> QuizResult:
    """Grade a quiz or assessment attempt.

    :param responses: question id → response; missing questions score zero.
    :param language: the language the learner answered in (option ids and gap
        answers are per language, and typed numbers are read the language's way).
    :param pass_mark: overrides the lesson's resolved pass mark.
    :param question_ids: the questions the attempt showed (a draw from the lesson's
        pool, see ``Lesson.draw``); ``None`` grades all of them.
    :param manual: points a trainer gave open questions (question id → points); an open
        question without them stays pending.
    """
    questions = lesson.questions(language)
    if question_ids is not None:
        wanted = set(question_ids)
        questions = [q for q in questions if q.id in wanted]
    results = tuple(
        _with_manual(grade_question(q, responses.get(q.id), language), manual,
                     {q.id: q.explanation})
        for q in questions
    )
    score = round(sum(r.score for r in results), 4)
    maximum = float(sum(r.max_score for r in results))
    percent = round(100 * score / maximum, 2) if maximum else 0.0
    mark = pass_mark if pass_mark is not None else (
        lesson.pass_mark if lesson.pass_mark is not None else DEFAULT_PASS_MARK)
    return QuizResult(score, maximum, percent, percent >= mark, results)
