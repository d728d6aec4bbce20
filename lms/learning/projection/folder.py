"""Folds batches of stored statements into the projection, loading each learner and course once.

Only statements about a learner's lesson or session whose authority may credit that
activity (``lms.lrs.crediting``) reach a :class:`LearnerCourseFold`; the others stay stored
and queryable but never count.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.extensions import db
from lms.learning.projection.learner_fold import LearnerCourseFold
from lms.learning.projection.targets import Target, course_prefix, learner_name, parse_target
from lms.lrs.crediting import TRAINER, CreditRule, load_credit_rule
from xapi import vocabulary as v


class StatementFolder:
    """Folds batches of statements into the projection, loading each pair once."""

    def __init__(self, *, fresh: bool, rule: CreditRule | None = None):
        self.fresh = fresh
        self.rule = rule or load_credit_rule()
        self.base = v.platform_base(current_app.config["ATLAS_BASE_URL"])
        self.prefix = course_prefix()
        self.pairs: dict[tuple[int, int], LearnerCourseFold] = {}
        self.courses: dict[str, Course | None] = {}
        self.voided_pairs: set[tuple[int, int]] = set()

    def _courses(self, slugs: Iterable[str]) -> None:
        wanted = {slug for slug in slugs if slug not in self.courses}
        if wanted:
            found = {course.slug: course for course in db.session.scalars(
                select(Course).where(Course.slug.in_(wanted)))}
            for slug in wanted:
                self.courses[slug] = found.get(slug)

    def _resolve(self, batch: list[Mapping[str, Any]]) -> list[tuple[Mapping, Target, str, str]]:
        """The statements about a learner's lesson or session whose authority may credit it."""
        resolved = []
        for statement in batch:
            obj = statement.get("object") or {}
            target = parse_target(obj.get("id"), self.prefix)
            if target is None or target.kind not in ("lesson", "session", "module", "course"):
                continue
            authority = self.rule.authority_of(statement)
            if authority is None:
                continue  # stored and queryable, never counted
            if (target.kind in ("module", "course")) != (authority == TRAINER) \
                    and not (authority == TRAINER and target.kind == "lesson"):
                # modules and courses move only by a trainer's override; an override
                # never stands in for attendance at a session
                continue
            name = learner_name(statement, self.base)
            if name:
                resolved.append((statement, target, name, authority))
        return resolved

    def fold(self, batch: list[Mapping[str, Any]]) -> None:
        resolved = self._resolve(batch)
        if not resolved:
            return
        names = {name for _s, _t, name, _a in resolved}
        users = {user.pseudonym: user for user in db.session.scalars(
            select(User).where(User.pseudonym.in_(names)))}
        self._courses(target.slug for _s, target, _n, _a in resolved)
        for statement, target, name, authority in resolved:
            user, course = users.get(name), self.courses.get(target.slug)
            if user is None or course is None:
                continue
            if authority == TRAINER and not self.rule.may_override(statement, course.id):
                continue  # the person is not (or no longer) a trainer of this course
            pair = self.pair(user, course)
            if pair.counts(statement):
                pair.apply(statement, target, authority)

    def pair(self, user: User, course: Course) -> LearnerCourseFold:
        key = (user.id, course.id)
        if key not in self.pairs:
            self.pairs[key] = LearnerCourseFold(user, course, fresh=self.fresh)
        return self.pairs[key]
