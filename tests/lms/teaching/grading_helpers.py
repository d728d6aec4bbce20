"""A small course for the grading tests: a quiz with an open question (photo upload) and a
single-choice question, and a pool quiz drawing 2 of 4 questions. Completion needs both
quizzes passed, nothing else, so grading the open answer is what completes the course."""

from pathlib import Path

from authoring.scaffold import new_course
from lms.catalog.models import CourseTrainer
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user

SLUG = "grading-test"
TRANSFER = "grading-test-transfer"
POOL = "grading-test-pool"

TRANSFER_DE = """---
id: grading-test-transfer
title: Transferaufgabe
type: quiz
minutes: 10
pass_mark: 60
---

# Transferaufgabe

:::open id=hv-foto points=4 upload=optional
Fotografieren Sie die HV-Kennzeichnung an Ihrem Arbeitsplatz und erklären Sie sie.

Bewertungshinweis:
- RUBRIC-MARKER Warnzeichen erkennbar (2 Punkte)
- Bedeutung erklärt (2 Punkte)
:::

:::quiz id=farbe
Welche Farbe haben HV-Leitungen?
[(X)] Orange
[( )] Grün
:::
"""

POOL_DE = """---
id: grading-test-pool
title: Pool-Quiz
type: quiz
minutes: 5
pass_mark: 50
draw: 2
---

# Pool-Quiz

""" + "\n".join(
    f":::quiz id=p{n}\nPoolfrage {n}?\n[(X)] ja\n[( )] nein\n[( )] vielleicht\n:::\n"
    for n in range(1, 5))


def write_grading_course(root: Path) -> Path:
    course = new_course(root / SLUG, SLUG)
    course_file = course / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    text = text.replace("  lessons: all\n", "  lessons: null\n") \
        .replace("  assessment: passed\n", "").replace("  sessions: 1\n", "  sessions: 0\n")
    course_file.write_text(text, encoding="utf-8")
    module = course / "modules" / "01-einfuehrung"
    for name in ("02-quiz.md", "03-praxis.md", "04-abschlusstest.md"):
        (module / name).unlink()
    (module / "02-transfer.md").write_text(TRANSFER_DE, encoding="utf-8")
    (module / "03-pool.md").write_text(POOL_DE, encoding="utf-8")
    return course


def make_trainer(course, **overrides):
    trainer = make_user(is_trainer=True, **overrides)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id, granted_at=utcnow()))
    db.session.flush()
    return trainer
