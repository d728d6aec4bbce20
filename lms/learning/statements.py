"""The statements the platform writes for learning events, in the platform's xAPI profile.

One builder per event, so that the lesson player, quizzes, sessions and the progress
projection agree on verbs, activity IRIs and context. Every statement carries the
enrolment's ``registration``, the course as ``contextActivities.grouping`` (or parent),
the profile as ``category`` and the course version as a context extension. Learners are
account actors named by their pseudonym, never by e-mail address.
"""

import uuid
from datetime import datetime
from typing import Any

from flask import current_app

from authoring.model import Course as CourseModel
from authoring.model import Lesson
from xapi import vocabulary as v

#: context extension: the question ids an attempt drew from the lesson's pool
DRAWN_QUESTIONS = "drawn-questions"


def base_url() -> str:
    return current_app.config["ATLAS_BASE_URL"]


def extension(name: str) -> str:
    """The IRI of one of the platform's context extensions."""
    return v.extension_iri(base_url(), name)


def learner(user) -> dict[str, Any]:
    """The learner as the LRS knows them: ``account`` with the opaque pseudonym."""
    return v.learner_actor(base_url(), user.pseudonym)


def course_activity(model: CourseModel) -> dict[str, Any]:
    return v.activity(v.course_iri(base_url(), model.id), "course", dict(model.title))


def module_iri(model: CourseModel, module_id: str) -> str:
    return v.module_iri(base_url(), model.id, module_id)


def lesson_kind(lesson: Lesson) -> str:
    """Activity type of a lesson: quizzes and the final assessment are assessments."""
    return "assessment" if lesson.kind in ("quiz", "assessment") else "lesson"


def lesson_activity(model: CourseModel, lesson: Lesson) -> dict[str, Any]:
    iri = v.lesson_iri(base_url(), model.id, lesson.module_id, lesson.id)
    names = {language: content.title for language, content in lesson.content.items()}
    return v.activity(iri, lesson_kind(lesson), names)


def session_activity(model: CourseModel, session_id: int | str, title: str) -> dict[str, Any]:
    iri = v.session_iri(base_url(), model.id, str(session_id))
    return v.activity(iri, "session", {"de": title})


def _context(model: CourseModel, version: str, registration: str,
             parents: list[str], language: str | None = None,
             extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    course = {"id": v.course_iri(base_url(), model.id)}
    context: dict[str, Any] = {
        "registration": registration,
        "platform": "ATLAS Campus",
        "contextActivities": {
            "category": [{"id": v.profile_iri(base_url())}],
        },
        "extensions": v.course_version_extension(base_url(), version) | (extensions or {}),
    }
    if parents:
        context["contextActivities"]["parent"] = [{"id": iri} for iri in parents]
        context["contextActivities"]["grouping"] = [course]
    if language:
        context["language"] = language
    return context


def _statement(user, verb: str, obj: dict[str, Any], context: dict[str, Any], now: datetime,
               result: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": learner(user),
        "verb": v.verb(verb),
        "object": obj,
        "context": context,
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }
    if result is not None:
        statement["result"] = result
    return statement


def course_statement(user, verb: str, model: CourseModel, version: str, registration: str,
                     now: datetime, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """``registered``, ``unregistered`` (withdrawal) or ``completed`` for the course itself."""
    return _statement(user, verb, course_activity(model),
                      _context(model, version, registration, []), now, result)


def lesson_statement(user, verb: str, model: CourseModel, version: str, registration: str,
                     lesson: Lesson, now: datetime, result: dict[str, Any] | None = None,
                     language: str | None = None,
                     extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    """``launched``, ``completed``, ``passed`` or ``failed`` for one lesson of the course."""
    parents = [module_iri(model, lesson.module_id)]
    return _statement(user, verb, lesson_activity(model, lesson),
                      _context(model, version, registration, parents, language, extensions),
                      now, result)


def answered_statement(user, model: CourseModel, version: str, registration: str,
                       lesson: Lesson, question_id: str, now: datetime,
                       result: dict[str, Any], language: str | None = None,
                       extensions: dict[str, Any] | None = None) -> dict[str, Any]:
    """``answered`` for one question of a quiz; the lesson is the parent activity."""
    iri = v.question_iri(base_url(), model.id, lesson.module_id, lesson.id, question_id)
    obj = v.activity(iri, "question")
    obj["definition"]["interactionType"] = "other"
    parents = [v.lesson_iri(base_url(), model.id, lesson.module_id, lesson.id)]
    return _statement(user, "answered", obj,
                      _context(model, version, registration, parents, language, extensions),
                      now, result)


def attended_statement(user, model: CourseModel, version: str, registration: str,
                       session_id: int | str, title: str, minutes: int,
                       now: datetime) -> dict[str, Any]:
    """``attended`` for a dated session; ``result.duration`` carries the synchronous time."""
    return _statement(
        user, "attended", session_activity(model, session_id, title),
        _context(model, version, registration, []), now,
        {"completion": True, "duration": f"PT{int(minutes)}M"},
    )


def scaled_result(percent: float, is_passed: bool, score: float, max_score: float
                  ) -> dict[str, Any]:
    """``result`` of a graded attempt: scaled 0…1, raw points, success and completion."""
    return {
        "score": {"scaled": round(percent / 100, 4), "raw": score, "min": 0, "max": max_score},
        "success": is_passed,
        "completion": True,
    }


def waived_statement(user, model: CourseModel, version: str, registration: str, scope: str,
                     target_id: str, reason: str, now: datetime) -> dict[str, Any]:
    """``waived``: a trainer marked a lesson, module or the course complete, with a reason.

    Stored with the trainer as authority (``lms.lrs.embedded.acting_authority``); the
    projection credits it only when that person trains the course (``lms.lrs.crediting``).

    :param scope: ``lesson``, ``module`` or ``course``.
    """
    result = {"completion": True, "success": True,
              "extensions": {v.extension_iri(base_url(), "override-reason"): reason}}
    if scope == "course":
        return course_statement(user, "waived", model, version, registration, now, result)
    if scope == "module":
        module = next(m for m in model.modules if m.id == target_id)
        obj = v.activity(module_iri(model, module.id), "module", dict(module.title))
        return _statement(user, "waived", obj, _context(model, version, registration, []),
                          now, result)
    lesson = model.lesson(target_id)
    return lesson_statement(user, "waived", model, version, registration, lesson, now, result)
