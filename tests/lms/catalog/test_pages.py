"""Catalogue and course pages: public, filterable, complete, and never showing solutions."""

import html
import re
from pathlib import Path

import pytest
import yaml

from lms.catalog import services
from lms.db import utcnow
from tests.fixtures.courses import edit

TITLES = {
    "digital-production": "Digitale Produktion",
    "e-mobility": "E-Mobilität für Zulieferer",
    "sustainability": "Nachhaltigkeit in der Zulieferindustrie",
}

COURSES = Path(__file__).resolve().parents[3] / "courses"
# Read from course.yml so that translating a course does not mean editing this test.
ENGLISH = {
    slug for slug in TITLES
    if "en" in yaml.safe_load((COURSES / slug / "course.yml").read_text("utf-8"))["languages"]
} | {"grundlagen-test"}


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def listed(response) -> set[str]:
    """The slugs of the course cards on a catalogue page."""
    return set(re.findall(r'<h3 id="course-([a-z0-9-]+)"', response.get_data(as_text=True)))


@pytest.fixture
def catalogue(import_real, small_course):
    """The three real courses plus an advanced, bilingual, four-hour course."""
    edit(small_course / "course.yml", "level: beginner", "level: advanced")
    edit(small_course / "course.yml", "languages: [de]", "languages: [de, en]")
    edit(small_course / "course.yml", "subject: e-mobility", "subject: sustainability")
    import_real()
    services.import_course(small_course, None, utcnow())


def test_catalogue_is_public_and_lists_every_published_course(client, catalogue):
    response = client.get("/courses")
    assert response.status_code == 200
    assert listed(response) == {*TITLES, "grundlagen-test"}
    text = page_text(response)
    for title in TITLES.values():
        assert title in text
    assert "18 Stunden" in text and "Nachhaltigkeit" in text
    assert '<a href="/courses" aria-current="page">Kurse</a>' in response.get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ("subject=e-mobility", {"e-mobility"}),
    ("subject=sustainability", {"sustainability", "grundlagen-test"}),
    ("level=advanced", {"grundlagen-test"}),
    ("level=beginner&subject=digital-production", {"digital-production"}),
    ("language=en", ENGLISH),
    ("max_hours=16", {"sustainability", "grundlagen-test"}),
    ("max_hours=4", {"grundlagen-test"}),
    ("q=treibhausgas", {"sustainability"}),
    ("q=MOBILITÄT+zulieferer", {"e-mobility"}),
    ("q=retrofit", {"digital-production"}),
    ("q=100%25", set()),
    ("q=gibt+es+nicht", set()),
    ("subject=unbekannt", {*TITLES, "grundlagen-test"}),  # values not offered are ignored
    ("max_hours=viele", {*TITLES, "grundlagen-test"}),
])
def test_catalogue_filters_and_search(client, catalogue, query, expected):
    response = client.get(f"/courses?{query}")
    assert response.status_code == 200
    assert listed(response) == expected
    if not expected:
        assert "Kein Kurs passt zu Ihrer Auswahl" in page_text(response)


def test_filter_controls_are_labelled(client, catalogue):
    body = client.get("/courses").get_data(as_text=True)
    for name in ("q", "subject", "level", "language", "max_hours"):
        assert f'<label for="{name}">' in body and f'id="{name}"' in body
    assert 'role="search"' in body


def test_course_page_shows_outline_sessions_rules_and_certificate(client, import_real):
    (result,) = import_real("e-mobility")
    model = services.load_version_model(result.version)
    response = client.get("/courses/e-mobility")
    assert response.status_code == 200
    text = page_text(response)
    assert "<h1" in response.get_data(as_text=True) and TITLES["e-mobility"] in text
    for module in model.modules:
        assert module.title["de"] in text
        for lesson in module.lessons:
            assert lesson.title() in text
    session = next(model.lessons("session")).variant().session
    assert "Präsenztermin" in text and "7 Std. 30 Min." in text
    assert "Sicherheitsschuhe" in text and "Mittagspause" in text
    assert model.certificate.statement["de"] in text
    assert "Gültig 12 Monate ab Ausstellung." in text
    assert "Sie bestehen alle 5 Modultests" in text and "Abschlusstest" in text
    assert "Sie nehmen an einem Termin" in text
    assert model.target_group["de"] in text and model.objectives["de"][0] in text
    assert session.agenda[0].split(" ", 1)[1] in text
    assert "18 Stunden" in text


def test_course_page_never_shows_quiz_solutions(client, import_real):
    (result,) = import_real("e-mobility")
    model = services.load_version_model(result.version)
    text = page_text(client.get("/courses/e-mobility"))
    # one known question, checked by hand
    assert "Nein, 48 V Gleichspannung liegen unter der Hochvolt-Grenze von 60 V DC." not in text
    assert "Richtig: 48 V DC gehören noch nicht zur Spannungsklasse B." not in text
    checked = 0
    for lesson in model.lessons():
        for question in lesson.questions():
            secrets = [question.explanation, question.feedback]
            secrets += [c.feedback for c in question.choices]
            secrets += [c.text for c in question.choices if c.is_correct and len(c.text) > 25]
            for secret in filter(None, map(plain, secrets)):
                assert secret not in text, (question.id, secret)
                checked += 1
    assert checked > 50


def test_english_page_uses_english_course_texts(client, import_real):
    import_real("e-mobility")
    text = page_text(client.get("/courses/e-mobility", headers={"Accept-Language": "en"}))
    assert "E-mobility for automotive suppliers" in text
    assert "Powertrains in transition" in text


def test_unknown_and_unpublished_courses_are_not_found(client, app, small_course):
    services.import_course(small_course, None, utcnow(), publish=False)
    assert client.get("/courses/grundlagen-test").status_code == 404
    assert client.get("/courses/gibt-es-nicht").status_code == 404
    assert "grundlagen-test" not in client.get("/courses").get_data(as_text=True)


def test_german_fallbacks_on_english_pages_are_marked(client, app, tmp_path):
    """Lessons that exist in German only say so on English pages; English texts do not."""
    import shutil

    from lms.extensions import db

    source = tmp_path / "e-mobility"
    shutil.copytree(COURSES / "e-mobility", source)
    for translation in source.glob("modules/*/*.en.md"):
        translation.unlink()
    edit(source / "course.yml", "languages: [de, en]", "languages: [de]")
    services.import_course(source, None, utcnow())
    db.session.commit()
    body = client.get("/courses/e-mobility", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert '<span class="lesson-title" lang="de">Antriebsarten im Überblick</span>' in body
    assert '<h1 id="course-title">E-mobility for automotive suppliers</h1>' in body
    german = client.get("/courses/e-mobility").get_data(as_text=True)
    assert 'lang="de"' not in german.split("<main", 1)[1]


def test_translated_lessons_show_their_english_titles(client, import_real):
    import_real("e-mobility")
    body = client.get("/courses/e-mobility", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Types of powertrain at a glance" in body
    assert "Antriebsarten im Überblick" not in body


def test_dashboard_offers_published_courses(client, auth, catalogue):
    from tests.factories import make_user

    make_user(email="neu@example.org")
    auth.login("neu@example.org")
    html = client.get("/").get_data(as_text=True)
    assert "Kurse entdecken" in html and 'href="/courses"' in html
    assert 'href="/courses/e-mobility"' in html
