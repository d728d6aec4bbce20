"""The statement browser: admins see everything, trainers their courses' statements only."""

import pytest

from lms.catalog.models import Course, CourseTrainer
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user
from tests.lms.lrs.builders import statement
from xapi.vocabulary import course_iri, learner_actor

BASE = "http://localhost"


def course_statement(slug, pseudonym, **overrides):
    lesson = f"{course_iri(BASE, slug)}/module/m1/lesson/l1"
    return statement(
        actor=learner_actor(BASE, pseudonym),
        object={"objectType": "Activity", "id": lesson},
        context={"contextActivities": {"grouping": {"id": course_iri(BASE, slug)}}},
        **overrides,
    )


@pytest.fixture
def two_courses(app, xapi):
    learner = make_user(email="lea@example.org", name="Lea Lernend")
    trainer = make_user(email="tom@example.org", name="Tom Trainer", is_trainer=True)
    mine, other = Course(slug="brakes"), Course(slug="secret")
    db.session.add_all([mine, other])
    db.session.flush()
    db.session.add(CourseTrainer(course_id=mine.id, user_id=trainer.id, granted_at=utcnow()))
    db.session.flush()
    sent = {
        "mine": course_statement("brakes", learner.pseudonym),
        "other": course_statement("secret", learner.pseudonym),
    }
    for item in sent.values():
        assert xapi.post("statements", json=item).status_code == 200
    voiding = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"},
                        object={"objectType": "StatementRef", "id": sent["other"]["id"]})
    assert xapi.post("statements", json=voiding).status_code == 200
    sent["voiding"] = voiding
    return learner, sent


def test_admin_finds_statements_and_sees_learner_names(client, auth, two_courses):
    learner, sent = two_courses
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = client.get("/admin/lrs/statements", query_string={"actor": learner.pseudonym})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert sent["mine"]["id"] in html and f"Lea Lernend ({learner.pseudonym})" in html
    # The voided statement has no row of its own; the voiding statement refers to it
    # (Communication 2.1.3: statements referring to a match are returned too).
    assert sent["voiding"]["id"] in html
    assert html.count(f'/admin/lrs/statements/{sent["other"]["id"]}"') == 1
    detail = client.get(f"/admin/lrs/statements/{sent['other']['id']}").get_data(as_text=True)
    assert sent["voiding"]["id"] in detail and "voided" in detail
    voiding = client.get(f"/admin/lrs/statements/{sent['voiding']['id']}").get_data(as_text=True)
    assert f"/admin/lrs/statements/{sent['other']['id']}" in voiding
    bad = client.get("/admin/lrs/statements", query_string={"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.get_data(as_text=True)


def test_trainer_sees_only_their_courses_by_pseudonym(client, auth, two_courses):
    learner, sent = two_courses
    auth.login("tom@example.org")
    html = client.get("/admin/lrs/statements").get_data(as_text=True)
    assert sent["mine"]["id"] in html and learner.pseudonym in html
    assert "Lea Lernend" not in html
    outside = client.get("/admin/lrs/statements",
                         query_string={"activity": course_iri(BASE, "secret")})
    assert outside.status_code == 400
    assert client.get(f"/admin/lrs/statements/{sent['other']['id']}").status_code == 404
    assert client.get(f"/admin/lrs/statements/{sent['mine']['id']}").status_code == 200


def test_trainer_cannot_use_an_admins_more_link(client, auth, two_courses, xapi):
    for _ in range(30):
        xapi.post("statements", json=statement())
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    html = client.get("/admin/lrs/statements").get_data(as_text=True)
    link = html.split('href="/admin/lrs/statements?more=', 1)[1].split('"', 1)[0]
    auth.logout()
    auth.login("tom@example.org")
    assert client.get(f"/admin/lrs/statements?more={link}").status_code == 403


def test_learners_and_anonymous_visitors_are_refused(client, auth, two_courses):
    assert client.get("/admin/lrs/statements").status_code == 302
    auth.login("lea@example.org")
    assert client.get("/admin/lrs/statements").status_code == 403
    assert client.get(f"/admin/lrs/statements/{two_courses[1]['mine']['id']}").status_code == 403


def test_trainer_without_courses_is_told_so(client, auth, app):
    make_user(email="neu@example.org", is_trainer=True)
    auth.login("neu@example.org")
    page = client.get("/admin/lrs/statements")
    assert page.status_code == 200
    assert "für keinen Kurs als Trainer" in page.get_data(as_text=True)


def test_a_forged_more_link_is_refused_on_the_page(client, auth, two_courses):
    make_user(email="admin@example.org", is_admin=True)
    auth.login("admin@example.org")
    page = client.get("/admin/lrs/statements", query_string={"more": "not-a-token"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert two_courses[1]["mine"]["id"] not in html  # no rows, the store's refusal instead
    assert '<p class="error-message" role="alert">' in html
