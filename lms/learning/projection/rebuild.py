"""Rebuilding the projection: delete the rows in scope and fold the LRS's statements again."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.extensions import db
from lms.learning.models import CourseProgress, LessonProgress
from lms.learning.projection.folder import StatementFolder
from lms.learning.projection.targets import course_prefix, parse_target
from xapi import reads
from xapi import vocabulary as v

WAIVED = v.VERBS["waived"].id
#: Statements read from the LRS per page while rebuilding.
PAGE = 1000


@dataclass
class RebuildResult:
    statements: int = 0
    pairs: int = 0
    completed_now: int = 0


def rebuild(now: datetime, user_ids: list[int] | None = None,
            course_ids: list[int] | None = None) -> RebuildResult:
    """Delete the projection rows in scope and fold the LRS's statements again.

    Completions already recorded keep their time and fire nothing; a completion reached
    for the first time is recorded and announced as it would be live.

    :param user_ids: only these learners (all when None).
    :param course_ids: only these courses (all when None).
    """
    scope = []
    if user_ids is not None:
        scope.append(CourseProgress.user_id.in_(user_ids))
    if course_ids is not None:
        scope.append(CourseProgress.course_id.in_(course_ids))
    previous = {(row.user_id, row.course_id): row.completed_at for row in db.session.execute(
        select(CourseProgress.user_id, CourseProgress.course_id, CourseProgress.completed_at)
        .where(*scope))}
    lesson_scope = []
    if user_ids is not None:
        lesson_scope.append(LessonProgress.user_id.in_(user_ids))
    if course_ids is not None:
        lesson_scope.append(LessonProgress.course_id.in_(course_ids))
    db.session.execute(delete(LessonProgress).where(*lesson_scope))
    db.session.execute(delete(CourseProgress).where(*scope))
    db.session.flush()
    db.session.expire_all()

    base = current_app.config["ATLAS_BASE_URL"]
    in_scope = None
    if course_ids is None:
        prefixes = [course_prefix()]
    else:
        # the course's own IRI too (a trainer's override of the whole course); a prefix
        # without the slash also matches longer slugs, which the filter below drops
        in_scope = set(db.session.scalars(select(Course.slug).where(Course.id.in_(course_ids))))
        prefixes = [v.course_iri(base, slug) for slug in sorted(in_scope)]
    actors = None
    if user_ids is not None:
        pseudonyms = db.session.scalars(select(User.pseudonym).where(User.id.in_(user_ids)))
        actors = [v.learner_actor(base, name) for name in pseudonyms]
    result = RebuildResult()
    folder = StatementFolder(fresh=True)
    if prefixes and actors != []:
        for page in reads.iter_statements_about(db.session.connection(), prefixes,
                                                actors=actors, page=PAGE):
            if in_scope is not None:
                page = [s for s in page if _slug_of(s) in in_scope]
            result.statements += len(page)
            folder.fold(page)
    for key, pair in folder.pairs.items():
        if pair.progress is None:
            continue
        result.pairs += 1
        if pair.finish(now, replay=True, previous=previous.get(key)):
            result.completed_now += 1
    db.session.flush()
    return result


def _slug_of(statement) -> str | None:
    """The course slug a statement is about, for a rebuild of some courses; None to skip.

    Statements about the course itself are read only for a trainer's override
    (``waived``): the others (registered, completed) never move progress.
    """
    target = parse_target((statement.get("object") or {}).get("id"), course_prefix())
    if target is None:
        return None
    if target.kind == "course" and (statement.get("verb") or {}).get("id") != WAIVED:
        return None
    return target.slug
