"""Erasing a person's open answers: their texts, files and the feedback on them (GDPR Art. 17).

Runs with the LRS erasure when an account is anonymised. The answer rows stay, emptied, so
attempt counts and the anonymous item analysis keep their figures; the files are deleted by a
job once the erasure has committed (a rolled-back erasure keeps them).
"""

from sqlalchemy import select, update

from lms.accounts.models import User
from lms.extensions import db
from lms.jobs import enqueue, job
from lms.learning import answer_files
from lms.learning.answer_models import QuizAnswer

ERASED = ""


def erase_open_answers(user: User) -> int:
    """Empty every open answer of ``user`` and queue its file's deletion; returns the count."""
    rows = db.session.execute(select(QuizAnswer.id, QuizAnswer.file_token).where(
        QuizAnswer.user_id == user.id,
        (QuizAnswer.text.is_not(None)) | (QuizAnswer.file_token.is_not(None))
        | (QuizAnswer.feedback.is_not(None)))).all()
    if not rows:
        return 0
    db.session.execute(update(QuizAnswer).where(QuizAnswer.id.in_([r.id for r in rows])).values(
        text=ERASED, file_token=None, file_name=None, file_type=None, feedback=None,
        response=ERASED))
    tokens = [r.file_token for r in rows if r.file_token]
    if tokens:
        enqueue("learning.delete_answer_files", tokens=tokens)
    db.session.flush()
    return len(rows)


@job("learning.delete_answer_files", max_attempts=3, backoff_seconds=30)
def delete_answer_files(tokens: list[str]) -> None:
    """Remove erased answers' files from the upload folder (missing ones are fine)."""
    for token in tokens:
        answer_files.path_of(token).unlink(missing_ok=True)
