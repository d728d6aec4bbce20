"""Assignment and Grade Services: a learner's progress on a linked course goes back as a score.

When stored statements move the progress projection (``lms_statements_stored``, after the
projection) or a course is completed, the result of every LTI link of that learner is
worked out; a changed result is queued as the job ``lti.send_score``, which runs after the
commit, never in the request. The job reads the result again when it runs (so a retry
sends the newest), gets an access token with a JWT assertion signed by the tool key
(cached on the registration until shortly before it ends) and posts the score to the
line item's ``/scores``.

The score is the learner's progress in percent (``scoreMaximum`` 100): of the whole
course, or of the linked module's lessons. ``activityProgress`` is ``Completed`` and
``gradingProgress`` ``FullyGraded`` once the course (or every lesson of the module) is done.
"""

import logging
import secrets
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select

from lms.accounts.models import User
from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import enqueue, job
from lms.learning.models import CourseProgress, Enrolment, LessonProgress
from lms.lti import claims as c
from lms.lti import http, keys
from lms.lti.models import LtiGrade, LtiLink, LtiRegistration

log = logging.getLogger(__name__)

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
TOKEN_MARGIN = timedelta(seconds=60)
DONE = ("done", "passed")


@dataclass(frozen=True)
class Result:
    score: float
    activity: str
    grading: str

    @property
    def state(self) -> str:
        return f"{self.score:g}/{self.activity}/{self.grading}"


def result_for(grade: LtiGrade) -> Result:
    """The learner's result on the grade's link now, from the progress projection."""
    link, user_id = grade.link, grade.user_id
    course_row = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == user_id, CourseProgress.course_id == link.course_id))
    if link.module_id is None:
        if course_row is None:
            return Result(0.0, "Initialized", "NotReady")
        if course_row.completed_at is not None:
            return Result(100.0, "Completed", "FullyGraded")
        return Result(float(course_row.percent), "InProgress" if course_row.percent
                      else "Started", "Pending")
    enrolment = db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user_id, Enrolment.course_id == link.course_id))
    version = enrolment.course_version if enrolment else link.course.published_version
    module = next((m for m in content_for(version).course.modules if m.id == link.module_id),
                  None)
    lesson_ids = [lesson.id for lesson in module.lessons] if module else []
    if not lesson_ids:
        return Result(0.0, "Initialized", "NotReady")
    done = db.session.scalar(select(func.count()).select_from(LessonProgress).where(
        LessonProgress.user_id == user_id, LessonProgress.course_id == link.course_id,
        LessonProgress.lesson_id.in_(lesson_ids), LessonProgress.status.in_(DONE))) or 0
    score = round(100.0 * done / len(lesson_ids), 2)
    if done == len(lesson_ids):
        return Result(100.0, "Completed", "FullyGraded")
    return Result(score, "InProgress" if done else "Started", "Pending")


def queue_changed_results(users: Iterable[User], now: datetime) -> int:
    """Queue a score for each LTI grade of ``users`` whose result changed; return how many."""
    user_ids = {user.id for user in users}
    if not user_ids:
        return 0
    queued = 0
    for grade in db.session.scalars(select(LtiGrade).join(LtiLink).join(LtiRegistration).where(
            LtiGrade.user_id.in_(user_ids), LtiRegistration.status == "active")):
        result = result_for(grade)
        if result.state != grade.queued_state:
            grade.queued_state = result.state
            enqueue("lti.send_score", grade_id=grade.id)
            queued += 1
    db.session.flush()
    return queued


def learners_in(statements: Iterable[Mapping[str, Any]]) -> list[User]:
    """Accounts of this platform named as actors of ``statements`` that have LTI grades."""
    names = set()
    for statement in statements:
        account = (statement.get("actor") or {}).get("account")
        if isinstance(account, dict) and isinstance(account.get("name"), str):
            names.add(account["name"])
    if not names or not _any_grade():
        return []
    return list(db.session.scalars(_LEARNERS_WITH_GRADES, {"names": sorted(names)}))


def _any_grade() -> bool:
    """Whether any LTI grade exists: a fixed, prepared one-row probe in the request's
    transaction, so a platform without LTI links skips the learners query on every store
    (building and running it was most of this hook's cost per batch). Never cached: a grade
    created a moment ago counts at once."""
    return db.session.connection().exec_driver_sql(_ANY_GRADE).first() is not None


_ANY_GRADE = f"SELECT 1 FROM {LtiGrade.__tablename__} LIMIT 1"


#: Built once: every stored batch asks it (the statement was most of the hook's cost).
_LEARNERS_WITH_GRADES = (
    select(User).join(LtiGrade, LtiGrade.user_id == User.id)
    .where(User.pseudonym.in_(bindparam("names", expanding=True))).distinct()
)


# --- the job -----------------------------------------------------------------------------


def client_assertion(registration: LtiRegistration, now: datetime) -> str:
    """The JWT that proves the tool to the platform's token endpoint (RFC 7523)."""
    issued = int(now.timestamp())
    return keys.sign({"iss": registration.client_id, "sub": registration.client_id,
                      "aud": registration.auth_token_url, "iat": issued, "exp": issued + 300,
                      "jti": secrets.token_urlsafe(16)}, now)


def access_token(registration: LtiRegistration, now: datetime) -> str:
    """A bearer token for the grade service; reused until a minute before it ends."""
    if registration.access_token and registration.access_token_expires_at and (
            registration.access_token_expires_at - TOKEN_MARGIN > now):
        cached = keys.unseal(registration.access_token)
        if cached:
            return cached
    answer = http.post_form(registration.auth_token_url, {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(registration, now),
        "scope": " ".join((c.SCOPE_SCORE, c.SCOPE_LINEITEM_READONLY)),
    })
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise http.PlatformError("the platform's token endpoint sent no access_token")
    lifetime = answer.get("expires_in") if isinstance(answer.get("expires_in"), int) else 3600
    registration.access_token = keys.seal(token)
    registration.access_token_expires_at = now + timedelta(seconds=lifetime)
    db.session.flush()
    return token


def scores_url(lineitem: str) -> str:
    """``…/lineitems/7?x=y`` → ``…/lineitems/7/scores?x=y`` (AGS: the path gets ``/scores``)."""
    parts = urllib.parse.urlsplit(lineitem)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def score_document(grade: LtiGrade, result: Result, now: datetime) -> dict:
    return {"userId": grade.subject, "scoreGiven": result.score, "scoreMaximum": 100,
            "activityProgress": result.activity, "gradingProgress": result.grading,
            "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z")}


@job("lti.send_score", max_attempts=5, backoff_seconds=60)
def send_score(grade_id: int) -> None:
    """Post the learner's current result to the line item (retried on failure)."""
    grade = db.session.get(LtiGrade, grade_id)
    if grade is None:
        return
    link = grade.link
    registration = link.registration
    if not registration.is_active or not link.lineitem_url:
        log.info("LTI score for grade %s not sent: registration off or no line item", grade_id)
        return
    now = utcnow()
    result = result_for(grade)
    token = access_token(registration, now)
    db.session.commit()  # keep the token for other jobs even if the platform refuses the score
    try:
        http.post_json(scores_url(link.lineitem_url), score_document(grade, result, now),
                       content_type=SCORE_TYPE, token=token)
    except http.PlatformError:
        registration.access_token = ""  # a revoked token must not block the retries
        db.session.commit()
        raise
    grade.sent_score, grade.sent_at = result.score, now
