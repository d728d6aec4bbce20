"""A cmi5 launch for the tests: a scaffold course, an enrolled learner, a package client, and
an AU that talks to /xapi/ with the token its fetch URL returned."""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from authoring.scaffold import new_course
from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.learning.models import LessonProgress
from lms.lrs import services as lrs_services
from lms.packages import cmi5_launch
from lms.packages import cmi5_vocabulary as c
from lms.packages.cmi5_launch import LessonUnits, Unit
from lms.packages.cmi5_models import Cmi5Session
from tests.factories import make_user
from tests.fixtures.lrs import XapiCaller
from xapi import vocabulary as v

SLUG = "cmi5-test"
PUBLISHER_AU = "https://vendor.example/au/forklift-1"


@dataclass
class Au:
    """One launched AU session and the learner's side of it."""

    http: Any
    user: Any
    enrolment: Any
    lesson: LessonUnits
    unit: Unit
    client: Any
    session: Cmi5Session
    url: str
    auth: str = ""
    params: dict = field(default_factory=dict)

    @property
    def caller(self) -> XapiCaller:
        return XapiCaller(self.http, self.auth, "1.0.3")

    def fetch(self) -> dict:
        from urllib.parse import urlsplit

        return self.http.post(urlsplit(self.params["fetch"]).path).get_json()

    def statement(self, verb: str, *, defined: bool = True, result: dict | None = None,
                  **context_extensions) -> dict:
        """A statement as a well-behaved AU makes it from the contextTemplate."""
        context = json.loads(json.dumps(self.template))
        if defined:
            context["contextActivities"]["category"] = [{"id": c.CATEGORY_CMI5}]
            if result and ("success" in result or "completion" in result):
                context["contextActivities"]["category"].append({"id": c.CATEGORY_MOVEON})
        context["extensions"].update(context_extensions)
        statement = {
            "id": str(uuid.uuid4()),
            "actor": json.loads(self.params["actor"]),
            "verb": {"id": v.VERBS[verb].id if verb in v.VERBS else verb,
                     "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": self.params["activityId"]},
            "context": context,
            "timestamp": utcnow().isoformat(),
        }
        if result is not None:
            statement["result"] = result
        return statement

    @property
    def template(self) -> dict:
        response = self.caller.get("activities/state", params={
            "activityId": self.params["activityId"], "agent": self.params["actor"],
            "registration": self.params["registration"], "stateId": c.LAUNCH_DATA})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["contextTemplate"]

    def send(self, *statements) -> Any:
        return self.caller.post("statements", json=list(statements))


def make_course(tmp_path):
    folder = new_course(tmp_path / SLUG, SLUG)
    course = catalog.import_course(folder, None, utcnow(), publish=True).version.course
    return course


def lesson_units(course, *, move_on="CompletedAndPassed", mastery=0.8, units=1,
                 launch_method=c.ANY_WINDOW) -> LessonUnits:
    model = catalog.load_version_model(course.published_version)
    lesson = next(model.lessons("lesson"))
    lesson_iri = v.lesson_iri(current_app.config["ATLAS_BASE_URL"], model.id, lesson.module_id,
                              lesson.id)
    items = tuple(
        Unit(activity_id=c.unit_iri(lesson_iri, f"{PUBLISHER_AU}-{n}", single=units == 1),
             publisher_id=f"{PUBLISHER_AU}-{n}", title=f"Stapler {n}",
             url=f"https://vendor.example/au/{n}/index.html?lang=de",
             launch_method=launch_method, move_on=move_on, mastery_score=mastery,
             launch_parameters='{"level": 2}')
        for n in range(1, units + 1))
    return LessonUnits(course_slug=model.id, lesson_id=lesson.id, lesson_iri=lesson_iri,
                       title=lesson.title("de"), units=items)


def package_client():
    client, _secret = lrs_services.create_client(
        None, name=f"Paket {SLUG}/stapler", scopes=["statements/write"], now=utcnow())
    return client


def launch(http, user, enrolment, lesson, client, *, unit_index=0) -> Au:
    from urllib.parse import parse_qs, urlsplit

    unit = lesson.units[unit_index]
    started = cmi5_launch.launch(
        user, enrolment, lesson, unit, client, endpoint="https://campus.example/xapi/",
        fetch_url=lambda code: f"https://campus.example/packages/cmi5/fetch/{code}",
        return_url="https://campus.example/learn/x/y", language="de", now=utcnow())
    db.session.commit()
    params = {k: vals[0] for k, vals in parse_qs(urlsplit(started.url).query).items()}
    au = Au(http=http, user=user, enrolment=enrolment, lesson=lesson, unit=unit,
            client=client, session=started.session, url=started.url, params=params)
    token = au.fetch()["auth-token"]
    au.auth = "Basic " + token
    return au


def setup_au(http, tmp_path, **kwargs) -> Au:
    course = make_course(tmp_path)
    user = make_user(name="Lea Lernend", email=f"lea-{uuid.uuid4().hex[:6]}@example.org")
    enrolment = enrol(user, course, user, utcnow())
    client = package_client()
    db.session.commit()
    return launch(http, user, enrolment, lesson_units(course, **kwargs), client)


def lesson_row(au: Au) -> LessonProgress | None:
    db.session.expire_all()
    return db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == au.user.id, LessonProgress.lesson_id == au.lesson.lesson_id))
