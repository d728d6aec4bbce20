"""The .ics file of a registration follows RFC 5545: CRLF, folding, escaping, UTC times."""

from datetime import UTC, datetime

from lms.db import utcnow
from lms.extensions import db
from lms.sessions import calendar, services


def unfold(text: str) -> list[str]:
    """Undo RFC 5545 line folding (CRLF followed by one space or tab)."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def properties(lines: list[str]) -> dict[str, str]:
    return {line.split(":", 1)[0]: line.split(":", 1)[1] for line in lines if ":" in line}


def test_registered_learner_downloads_a_valid_calendar_file(client, login, learner,
                                                            make_session):
    session = make_session(
        title="Hochvolt; Praxis, Teil 1",
        starts_at=datetime(2030, 3, 5, 8, 30, tzinfo=UTC), minutes=450,
        location="Lernwerkstatt, Parkstraße 12; Raum \\2",
        notes="Bitte mitbringen:\nSicherheitsschuhe, Baumwollkleidung und die eigene "
              "Hochvolt-Landkarte aus der Vorbereitungslektion (ausgedruckt)",
    )
    registration = services.register_for_session(learner, session, utcnow())
    db.session.flush()
    login(learner)
    response = client.get(f"/sessions/registrations/{registration.id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75
    assert "\r\n " in text  # the long description was folded

    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines and "VERSION:2.0" in lines
    values = properties(lines)
    assert values["UID"] == f"session-{session.id}@localhost"
    assert values["DTSTART"] == "20300305T083000Z"
    assert values["DTEND"] == "20300305T160000Z"
    assert values["DTSTAMP"].endswith("Z") and len(values["DTSTAMP"]) == 16
    assert values["SUMMARY"] == "Hochvolt\\; Praxis\\, Teil 1"
    assert values["LOCATION"] == "Lernwerkstatt\\, Parkstraße 12\\; Raum \\\\2"
    assert values["URL"] == "http://localhost/courses/e-mobility"
    assert "Bitte mitbringen:\\nSicherheitsschuhe\\, Baumwollkleidung" in values["DESCRIPTION"]
    assert values["STATUS"] == "CONFIRMED"


def test_folding_never_splits_a_multibyte_character():
    line = "DESCRIPTION:" + "Übungsstand für Hochvolt-Sensibilisierung " * 5
    folded = calendar.fold(line)
    for physical in folded.encode("utf-8").split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode("utf-8")  # raises if a character was cut
    assert folded.replace("\r\n ", "") == line


def test_online_session_points_url_at_the_video_link(learner, make_session):
    session = make_session(location="", video_url="https://meet.example.org/hv-1")
    body = calendar.session_ics(session, uid_host="campus.example", course_title="E-Mobilität",
                                course_url="https://campus.example/courses/e-mobility",
                                now=utcnow()).decode()
    values = properties(unfold(body))
    assert values["URL"] == "https://meet.example.org/hv-1"
    assert values["LOCATION"] == "https://meet.example.org/hv-1"
