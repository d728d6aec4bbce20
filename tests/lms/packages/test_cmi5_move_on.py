"""moveOn: the LMS writes "satisfied" for the AU and the lesson's cmi5 course, and the
lesson and course progress count it, through the crediting rule (cmi5 9.3.9, 10.0)."""

import json

from sqlalchemy import select

from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.learning.models import CourseProgress, LessonProgress
from lms.lrs import services as lrs_services
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_units import lesson_units
from tests.factories import make_user
from tests.lms.packages.cmi5_course import cmi5_course, cmi5_structure
from tests.lms.packages.cmi5_helpers import launch
from xapi import vocabulary as v
from xapi.store_sql import statements as statement_table

SLUG = "stapler-cmi5"
AU_1 = "https://vendor.example/au/fahren"
AU_2 = "https://vendor.example/au/laden"
PASSED = {"success": True, "duration": "PT30S", "score": {"scaled": 0.9}}
COMPLETED = {"completion": True, "duration": "PT40S"}


def _course(tmp_path, aus):
    files = {"cmi5.xml": cmi5_structure(aus)}
    for au in aus:
        files[au["url"].split("?")[0]] = "<!doctype html><title>AU</title>"
    folder = cmi5_course(tmp_path, SLUG, "stapler", files)
    return catalog.import_course(folder, None, utcnow(), publish=True).version.course


def _setup(client, tmp_path, aus, *, grant=True):
    course = _course(tmp_path, aus)
    user = make_user(name="Fritz Fahrer", email="fritz@example.org")
    enrolment = enrol(user, course, user, utcnow())
    package_client, _secret = lrs_services.create_client(
        None, name=f"Paket {SLUG}/stapler", scopes=["statements/write"], now=utcnow())
    if grant:
        lrs_services.grant_credit(None, package_client.key, now=utcnow(), course_slug=SLUG)
    db.session.commit()
    version = course.published_version
    model = catalog.load_version_model(version)
    units = lesson_units(version, model, model.lesson("stapler-paket"), "de")
    return course, user, enrolment, package_client, units


def _satisfied() -> list[dict]:
    rows = db.session.execute(select(statement_table.c.statement).where(
        statement_table.c.verb_id == v.VERBS["satisfied"].id).order_by(
        statement_table.c.seq)).scalars()
    return [json.loads(row) for row in rows]


def _lesson_status(user):
    db.session.expire_all()
    row = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id == "stapler-paket"))
    return row.status if row else None


def _play(au, *statements):
    response = au.send(au.statement("initialized"), *statements,
                       au.statement("terminated", result={"duration": "PT1M"}))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_units_come_from_the_package_lesson(client, tmp_path):
    _course_row, _user, _enrolment, _client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html?x=1", "move_on": "Passed",
                            "mastery": 0.8, "method": "OwnWindow"}])
    (unit,) = units.units
    assert unit.activity_id == units.lesson_iri
    assert unit.url.endswith("/media/packages/stapler/fahren/index.html?x=1")
    assert unit.url.startswith("http://localhost/courses/stapler-cmi5/versions/"), unit.url
    assert (unit.move_on, unit.mastery_score, unit.launch_method) == ("Passed", 0.8,
                                                                       "OwnWindow")


def test_passed_meets_move_on_passed_and_the_lesson_and_course_complete(client, tmp_path):
    course, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html", "move_on": "Passed",
                            "mastery": 0.8}])
    au = launch(client, user, enrolment, units, package_client)
    assert _lesson_status(user) == "started"  # the launched statement starts the lesson
    _play(au, au.statement("passed", result=PASSED, **{c.MASTERY_SCORE: 0.8}))
    [satisfied] = _satisfied()
    assert satisfied["object"]["id"] == units.lesson_iri
    assert satisfied["authority"] == package_client.authority
    assert satisfied["context"]["extensions"][c.SESSION_ID] == au.session.session_id
    assert _lesson_status(user) == "done"
    progress = db.session.scalar(select(CourseProgress).where(
        CourseProgress.user_id == user.id, CourseProgress.course_id == course.id))
    assert progress.lessons_done == 1 and progress.lessons_total == 2


def test_completed_alone_does_not_meet_completed_and_passed(client, tmp_path):
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html",
                            "move_on": "CompletedAndPassed", "mastery": 0.8}])
    au = launch(client, user, enrolment, units, package_client)
    _play(au, au.statement("completed", result=COMPLETED))
    assert _satisfied() == [] and _lesson_status(user) in (None, "started")
    again = launch(client, user, enrolment, units, package_client)
    _play(again, again.statement("passed", result=PASSED, **{c.MASTERY_SCORE: 0.8}))
    assert len(_satisfied()) == 1 and _lesson_status(user) == "done"


def test_two_aus_satisfy_the_lesson_when_both_met(client, tmp_path):
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html", "move_on": "Completed"},
                           {"id": AU_2, "url": "laden/index.html",
                            "move_on": "CompletedOrPassed"}])
    first = launch(client, user, enrolment, units, package_client, unit_index=0)
    assert first.params["activityId"] == units.lesson_iri + "/item/" + \
        "https%3A%2F%2Fvendor.example%2Fau%2Ffahren"
    _play(first, first.statement("completed", result=COMPLETED))
    assert [s["object"]["id"] for s in _satisfied()] == [first.params["activityId"]]
    assert _lesson_status(user) != "done"
    second = launch(client, user, enrolment, units, package_client, unit_index=1)
    _play(second, second.statement("completed", result=COMPLETED))
    course_satisfied = _satisfied()[-1]
    assert course_satisfied["object"]["id"] == units.lesson_iri
    assert course_satisfied["object"]["definition"]["type"] == c.TYPE_COURSE
    assert _lesson_status(user) == "done"


def test_not_applicable_is_satisfied_at_the_first_launch(client, tmp_path):
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html",
                            "move_on": "NotApplicable"}])
    au = launch(client, user, enrolment, units, package_client)
    [satisfied] = _satisfied()
    assert satisfied["context"]["extensions"][c.SESSION_ID] != au.session.session_id
    assert _lesson_status(user) == "done"


def test_without_a_grant_satisfied_is_stored_but_does_not_count(client, tmp_path):
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html", "move_on": "Completed"}],
        grant=False)
    au = launch(client, user, enrolment, units, package_client)
    _play(au, au.statement("completed", result=COMPLETED))
    assert len(_satisfied()) == 1
    assert _lesson_status(user) in (None, "started")


def test_the_aus_own_completed_does_not_finish_the_lesson(client, tmp_path, make_client):
    """Only the LMS's satisfied finishes a cmi5 lesson, not a completed on its IRI."""
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path, [{"id": AU_1, "url": "fahren/index.html", "move_on": "Passed",
                            "mastery": 0.8}])
    au = launch(client, user, enrolment, units, package_client)
    _play(au, au.statement("completed", result=COMPLETED))
    assert _lesson_status(user) in (None, "started")


BLOCK_1, BLOCK_2 = "https://vendor.example/block/fahren", "https://vendor.example/block/laden"
AU_3 = "https://vendor.example/au/abstellen"


def test_a_block_is_satisfied_when_its_aus_are_then_the_course(client, tmp_path):
    _course_row, user, enrolment, package_client, units = _setup(
        client, tmp_path,
        [{"id": AU_1, "url": "fahren/index.html", "move_on": "Completed", "block": BLOCK_1},
         {"id": AU_2, "url": "laden/index.html", "move_on": "Completed", "block": BLOCK_1},
         {"id": AU_3, "url": "abstellen/index.html", "move_on": "Passed", "block": BLOCK_2}])
    block_1 = c.block_iri(units.lesson_iri, BLOCK_1)
    block_2 = c.block_iri(units.lesson_iri, BLOCK_2)
    assert block_1 == units.lesson_iri + "/block/https%3A%2F%2Fvendor.example%2Fblock%2Ffahren"
    assert [u.blocks for u in units.units] == [(block_1,), (block_1,), (block_2,)]
    au_ids = [u.activity_id for u in units.units]

    first = launch(client, user, enrolment, units, package_client, unit_index=0)
    _play(first, first.statement("completed", result=COMPLETED))
    assert [s["object"]["id"] for s in _satisfied()] == [au_ids[0]]  # block 1 waits for AU 2

    second = launch(client, user, enrolment, units, package_client, unit_index=1)
    _play(second, second.statement("completed", result=COMPLETED))
    assert [s["object"]["id"] for s in _satisfied()] == [au_ids[0], au_ids[1], block_1]
    block_statement = _satisfied()[-1]
    assert block_statement["object"]["definition"]["type"] == c.TYPE_BLOCK
    assert block_statement["authority"] == package_client.authority
    context = block_statement["context"]
    assert context["registration"] == enrolment.registration
    assert context["extensions"][c.SESSION_ID] == second.session.session_id
    assert context["contextActivities"]["category"] == [{"id": c.CATEGORY_CMI5}]
    assert context["contextActivities"]["grouping"] == [{"id": AU_2}]
    assert _lesson_status(user) != "done"

    third = launch(client, user, enrolment, units, package_client, unit_index=2)
    _play(third, third.statement("passed", result=PASSED))
    assert [s["object"]["id"] for s in _satisfied()] == [
        au_ids[0], au_ids[1], block_1, au_ids[2], block_2, units.lesson_iri]
    assert _satisfied()[-1]["object"]["definition"]["type"] == c.TYPE_COURSE
    assert _lesson_status(user) == "done"  # block 1 was settled again, not written twice


V = "https://vendor.example"
NESTED = f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="{V}/course/stapler">
    <title><langstring lang="de-DE">Stapler</langstring></title></course>
  <block id="{V}/block/aussen"><title><langstring lang="de-DE">A</langstring></title>
    <au id="{V}/au/a" moveOn="NotApplicable">
      <title><langstring lang="de-DE">A</langstring></title><url>a.html</url></au>
    <block id="{V}/block/innen"><title><langstring lang="de-DE">I</langstring></title>
      <au id="{V}/au/b" moveOn="NotApplicable">
        <title><langstring lang="de-DE">B</langstring></title><url>b.html</url></au>
    </block>
  </block>
</courseStructure>
"""


def test_nested_blocks_are_satisfied_innermost_first_at_registration(client, tmp_path):
    files = {"cmi5.xml": NESTED, "a.html": "<title>A</title>", "b.html": "<title>B</title>"}
    course = catalog.import_course(cmi5_course(tmp_path, SLUG, "stapler", files), None,
                                   utcnow(), publish=True).version.course
    user = make_user(name="Nina Nest", email="nina@example.org")
    enrolment = enrol(user, course, user, utcnow())
    package_client, _secret = lrs_services.create_client(
        None, name=f"Paket {SLUG}/stapler", scopes=["statements/write"], now=utcnow())
    db.session.commit()
    model = catalog.load_version_model(course.published_version)
    units = lesson_units(course.published_version, model, model.lesson("stapler-paket"), "de")
    au = launch(client, user, enrolment, units, package_client, unit_index=0)
    inner, outer = (c.block_iri(units.lesson_iri, f"{V}/block/{b}") for b in ("innen", "aussen"))
    satisfied = _satisfied()
    assert [s["object"]["id"] for s in satisfied] == [
        units.units[0].activity_id, units.units[1].activity_id, inner, outer, units.lesson_iri]
    sessions = {s["context"]["extensions"][c.SESSION_ID] for s in satisfied}
    assert len(sessions) == 1 and au.session.session_id not in sessions  # cmi5 9.6.1
