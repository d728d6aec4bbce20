"""Issuing, signing, revoking and the status of certificates."""

import re
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lms.certificates import services, signing
from lms.certificates.models import Certificate
from lms.errors import PermissionDeniedError
from lms.extensions import db
from tests.factories import make_user
from tests.lms.certificates.conftest import COMPLETED, NOW


def test_issue_states_every_fact_and_is_idempotent(certificate, learner, emobility):
    again = services.issue_certificate(learner, emobility, COMPLETED, NOW + timedelta(days=3))
    assert again.id == certificate.id
    assert db.session.query(Certificate).filter_by(user_id=learner.id).count() == 1
    assert re.fullmatch(r"ATLAS(-[A-Z2-7]{4}){4}", certificate.number)
    payload = certificate.payload
    assert payload["learner_name"] == "Jürgen Öztürk-Weiß"
    assert payload["employer"] == "Muster Antriebstechnik GmbH"
    assert payload["course"]["title"] == emobility.title_de
    assert payload["course"]["version"] == emobility.version
    assert payload["modules"] and payload["objectives"]
    assert payload["completed_at"] == "2026-11-19"
    assert payload["expires_at"] == "2027-11-20"  # validity_months: 12, from the date of issue
    assert payload["verify_url"] == f"http://localhost/verify/{certificate.number}"
    # valid through 20.11.2027 as read in Berlin: it ends with that day there
    assert certificate.expires_at == datetime(2027, 11, 20, 22, 59, 59, tzinfo=UTC)


def test_concurrent_issue_returns_the_winner(certificate, learner, emobility, monkeypatch):
    # The other worker's row exists, but this one did not see it before inserting.
    monkeypatch.setattr(services, "find_issued", _second_call_finds(services.find_issued))
    again = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    assert again.id == certificate.id


def _second_call_finds(real):
    calls = []

    def find(user_id, course_id, completed_at):
        calls.append(1)
        return None if len(calls) == 1 else real(user_id, course_id, completed_at)

    return find


def test_signature_verifies_and_a_changed_payload_fails(app, certificate):
    assert signing.verify(certificate.payload, certificate.signature)
    forged = dict(certificate.payload, learner_name="Mallory")
    assert not signing.verify(forged, certificate.signature)
    assert not signing.verify(certificate.payload, "not base64!")
    key = Path(app.instance_path) / signing.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"BEGIN PUBLIC KEY" in signing.public_key_pem()


def test_status_valid_expiring_expired_revoked(certificate):
    assert services.certificate_status(certificate, NOW) == "valid"
    expires = certificate.expires_at
    assert services.certificate_status(certificate, expires - timedelta(days=10)) == "expiring"
    assert services.certificate_status(certificate, expires + timedelta(seconds=1)) == "expired"
    admin = make_user(is_admin=True)
    services.revoke_certificate(admin, certificate, "Prüfung wiederholt", NOW)
    assert services.certificate_status(certificate, NOW) == "revoked"
    assert certificate.revoke_reason == "Prüfung wiederholt"


def test_learners_cannot_revoke(certificate, other_learner):
    with pytest.raises(PermissionDeniedError):
        services.revoke_certificate(other_learner, certificate, "weil", NOW)
    assert certificate.revoked_at is None


def test_course_completed_hook_issues_certificate(app, learner, emobility):
    app.extensions["atlas_plugins"].hook.lms_course_completed(
        user=learner, course=emobility.course, completed_at=COMPLETED
    )
    issued = services.find_issued(learner.id, emobility.course_id, COMPLETED)
    assert issued is not None and issued.completed_at == COMPLETED


@pytest.mark.parametrize(("issued", "issued_day", "expires_day"), [
    # 00:30 in Berlin on 8 December is still 7 December in UTC
    (datetime(2026, 12, 7, 23, 30, tzinfo=UTC), "2026-12-08", "2027-12-08"),
    # 23:30 in Berlin on the night summer time begins, and on the one it ends
    (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), "2026-03-29", "2027-03-29"),
    (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), "2026-10-25", "2027-10-25"),
])
def test_certificate_days_are_berlin_days(learner, emobility, issued, issued_day, expires_day):
    from lms.local_time import LOCAL_ZONE

    certificate = services.issue_certificate(learner, emobility, issued - timedelta(hours=1),
                                             issued)
    assert certificate.payload["issued_at"] == issued_day
    assert certificate.payload["expires_at"] == expires_day
    last = certificate.expires_at.astimezone(LOCAL_ZONE)
    assert (last.date().isoformat(), last.strftime("%H:%M:%S")) == (expires_day, "23:59:59")


def test_subject_label_comes_from_the_managed_subject_list(learner, emobility):
    from lms.catalog.subjects import find_subject

    subject = find_subject(emobility.subject or emobility.course.subject)
    subject.label_de, subject.label_en = "Elektromobilität im Betrieb", "E-mobility at work"
    db.session.flush()
    issued = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    expected = {"en": "E-mobility at work", "de": "Elektromobilität im Betrieb"}
    assert issued.payload["course"]["subject_label"] == expected[issued.payload["language"]]
