"""Item analysis of a quiz or assessment: how each question performs, from stored answers.

Reads ``quiz_answers`` (one row per question of each submitted attempt) joined with
``quiz_attempts``, in two aggregate queries over the answers (plus a count), whatever the
number of answers:

- **attempts** that showed the question, and the **share correct** (full points);
- **point-biserial correlation** of being correct with the *rest score* (the attempt's
  points without this question), from the sums n, Σx, ΣR, ΣR², ΣxR:
  ``r = (n·ΣxR − Σx·ΣR) / √((n·Σx − (Σx)²)·(n·ΣR² − (ΣR)²))`` (x is 0/1, so Σx² = Σx);
- the **upper/lower 27 % index**: attempts ranked by percent (ties: the earlier attempt, by
  id, first), the top and bottom ``round(0.27·N)`` (at least 1) form the groups,
  D = share correct in the upper group − share correct in the lower group, over the
  attempts of each group that showed the question;
- how often each **wrong option** was picked (single, multiple, true/false), from the
  stored responses;
- flags: under 20 % correct (almost everyone fails), over 95 % (almost everyone passes).

Pending attempts (open answers not yet graded) are left out: they have no result yet.
"""

import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select

from authoring.model import Lesson, Question
from lms.extensions import db
from lms.learning.answer_models import QuizAnswer
from lms.learning.models import QuizAttempt

GROUP_SHARE = 0.27
HARD_BELOW = 0.20
EASY_ABOVE = 0.95
CHOICE_KINDS = ("single", "multiple", "truefalse")


@dataclass
class OptionUse:
    option_id: str
    text: str
    picks: int
    share: float


@dataclass
class ItemFigures:
    question_id: str
    kind: str
    attempts: int = 0
    correct: int = 0
    point_biserial: float | None = None
    upper_correct: float | None = None
    lower_correct: float | None = None
    wrong_options: list[OptionUse] = field(default_factory=list)

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def discrimination(self) -> float | None:
        """The upper/lower 27 % index D."""
        if self.upper_correct is None or self.lower_correct is None:
            return None
        return self.upper_correct - self.lower_correct

    @property
    def flag(self) -> str | None:
        share = self.share_correct
        if share is None:
            return None
        if share < HARD_BELOW:
            return "hard"
        if share > EASY_ABOVE:
            return "easy"
        return None


@dataclass
class ItemAnalysis:
    attempts: int
    items: list[ItemFigures]


def point_biserial(n: int, sx: float, sr: float, srr: float, sxr: float) -> float | None:
    """The correlation of a 0/1 item with the rest score from its sums; ``None`` when
    either has no variance (everyone right, or all rest scores equal)."""
    spread = (n * sx - sx * sx) * (n * srr - sr * sr)
    if n < 2 or spread <= 1e-12:
        return None
    return (n * sxr - sx * sr) / math.sqrt(spread)


def _scope(course_id: int, lesson_id: str):
    return and_(QuizAttempt.course_id == course_id, QuizAttempt.lesson_id == lesson_id,
                QuizAttempt.is_pending.is_(False))


def analyse(course_id: int, lesson: Lesson, language: str = "de") -> ItemAnalysis:
    """The figures of every question of ``lesson`` over the course's graded attempts."""
    scope = _scope(course_id, lesson.id)
    total = db.session.scalar(select(func.count()).select_from(QuizAttempt).where(scope)) or 0
    questions = lesson.questions(language)
    figures = {q.id: ItemFigures(q.id, q.kind) for q in questions}
    if not total:
        return ItemAnalysis(0, [figures[q.id] for q in questions])

    # The groups: attempts ranked by percent (ties: the earlier attempt first); the attempt
    # at each group's edge is read once, so the pass over the answers needs no window.
    size = max(1, round(GROUP_SHARE * total))
    order = (QuizAttempt.percent.desc(), QuizAttempt.id)
    edge_up = db.session.execute(select(QuizAttempt.percent, QuizAttempt.id).where(scope)
                                 .order_by(*order).offset(size - 1).limit(1)).one()
    edge_low = db.session.execute(select(QuizAttempt.percent, QuizAttempt.id).where(scope)
                                  .order_by(*order).offset(total - size).limit(1)).one()
    upper = or_(QuizAttempt.percent > edge_up.percent,
                and_(QuizAttempt.percent == edge_up.percent, QuizAttempt.id <= edge_up.id))
    lower = or_(QuizAttempt.percent < edge_low.percent,
                and_(QuizAttempt.percent == edge_low.percent, QuizAttempt.id >= edge_low.id))
    x = case((QuizAnswer.is_correct.is_(True), 1), else_=0)
    rest = QuizAttempt.score - QuizAnswer.score
    # one pass over the answers: the sums of the correlation and the two groups' counts
    rows = db.session.execute(
        select(QuizAnswer.question_id, func.count(), func.sum(x), func.sum(rest),
               func.sum(rest * rest), func.sum(x * rest),
               func.sum(case((upper, 1), else_=0)), func.sum(case((upper, x), else_=0)),
               func.sum(case((lower, 1), else_=0)), func.sum(case((lower, x), else_=0)))
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(scope, QuizAnswer.course_id == course_id, QuizAnswer.lesson_id == lesson.id)
        .group_by(QuizAnswer.question_id)).all()
    for qid, n, sx, sr, srr, sxr, upper_n, upper_x, lower_n, lower_x in rows:
        item = figures.get(qid)
        if item is None:
            continue  # a question of another version of the lesson
        item.attempts, item.correct = n, int(sx or 0)
        item.point_biserial = point_biserial(n, float(sx or 0), float(sr or 0),
                                             float(srr or 0), float(sxr or 0))
        item.upper_correct = upper_x / upper_n if upper_n else None
        item.lower_correct = lower_x / lower_n if lower_n else None
    _wrong_options(course_id, lesson.id, scope, questions, figures)
    return ItemAnalysis(total, [figures[q.id] for q in questions])


def _wrong_options(course_id: int, lesson_id: str, scope, questions: list[Question],
                   figures: dict[str, ItemFigures]) -> None:
    """How often each wrong option was picked, from the distinct responses and counts."""
    choice_questions = {q.id: q for q in questions if q.kind in CHOICE_KINDS}
    if not choice_questions:
        return
    rows = db.session.execute(
        select(QuizAnswer.question_id, QuizAnswer.response, func.count())
        .join(QuizAttempt, QuizAnswer.attempt_id == QuizAttempt.id)
        .where(scope, QuizAnswer.course_id == course_id, QuizAnswer.lesson_id == lesson_id,
               QuizAnswer.question_id.in_(list(choice_questions)),
               QuizAnswer.is_correct.is_(False))
        .group_by(QuizAnswer.question_id, QuizAnswer.response)).all()
    picks: dict[str, Counter] = {qid: Counter() for qid in choice_questions}
    for qid, response, count in rows:
        for option in (response or "").split("[,]"):
            if option:
                picks[qid][option] += count
    for qid, question in choice_questions.items():
        item = figures[qid]
        for option_id, text in _wrong_choices(question):
            count = picks[qid].get(option_id, 0)
            item.wrong_options.append(OptionUse(
                option_id, text, count, count / item.attempts if item.attempts else 0.0))


def _wrong_choices(question: Question) -> list[tuple[str, str]]:
    if question.kind == "truefalse":
        wrong = "false" if question.answer else "true"
        return [(wrong, wrong)]
    return [(choice.id, choice.text) for choice in question.choices if not choice.is_correct]
