"""Re-issue after a name change, renewal after a retake, reminders before expiry."""

from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts import services as accounts
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.certificates.reminders import send_expiry_reminders
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_user
from tests.lms.certificates.conftest import COMPLETED, NOW, make_session_attended


def complete(app, user, course, completed_at):
    app.extensions["atlas_plugins"].hook.lms_course_completed(
        user=user, course=course, completed_at=completed_at)


def test_same_completion_event_twice_gives_one_certificate(app, learner, emobility):
    complete(app, learner, emobility.course, COMPLETED)
    complete(app, learner, emobility.course, COMPLETED)
    count = db.session.scalar(select(func.count()).select_from(Certificate)
                              .where(Certificate.user_id == learner.id))
    assert count == 1


def test_trainers_of_the_course_get_no_certificate(app, emobility):
    from lms.catalog.trainers import grant_course_trainer

    trainer = make_user(is_trainer=True)
    grant_course_trainer(None, emobility.course, trainer, NOW)
    complete(app, trainer, emobility.course, COMPLETED)
    assert services.find_issued(trainer.id, emobility.course_id, COMPLETED) is None


def test_rename_reissues_with_new_number_and_history(app, client, certificate, learner):
    old_number = certificate.number
    accounts.update_profile(learner, name="Jürgen Weiß", locale="de", now=NOW)
    successor = services.find_issued(learner.id, certificate.course_id, COMPLETED)
    assert successor.number != old_number and successor.revision == 1
    assert successor.payload["learner_name"] == "Jürgen Weiß"
    assert successor.payload["replaces"] == [old_number]
    unchanged = {k: v for k, v in certificate.payload.items()
                 if k not in ("number", "learner_name", "verify_url", "replaces")}
    assert {k: successor.payload[k] for k in unchanged} == unchanged
    assert certificate.superseded_by_id == successor.id
    assert services.certificate_status(certificate, NOW) == "superseded"

    accounts.update_profile(learner, name="Jürgen Öztürk", locale="de", now=NOW)
    third = services.find_issued(learner.id, certificate.course_id, COMPLETED)
    assert third.payload["replaces"] == [old_number, successor.number]
    assert [c.number for c in services.certificates_of(learner)] == [third.number]
    db.session.commit()

    page = client.get(f"/verify/{old_number}").get_data(as_text=True)
    assert 'data-status="superseded"' in page
    assert f'data-superseded-by="{successor.number}"' in page
    body = client.get(f"/verify/{old_number}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "superseded" and body["superseded_by"] == successor.number
    assert body["signature_valid"] is True
    body = client.get(f"/verify/{third.number}", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "valid" and body["certificate"]["learner_name"] == "Jürgen Öztürk"


def test_rename_keeps_revoked_certificates_as_they_were(certificate, learner):
    services.revoke_certificate(make_user(is_admin=True), certificate, "Irrtum", NOW)
    accounts.update_profile(learner, name="Neuer Name", locale="de", now=NOW)
    assert services.find_issued(learner.id, certificate.course_id, COMPLETED).id == certificate.id
    assert certificate.learner_name == "Jürgen Öztürk-Weiß"


def test_locale_change_alone_issues_nothing(certificate, learner):
    accounts.update_profile(learner, name=learner.name, locale="en", now=NOW)
    assert certificate.superseded_by_id is None


def test_renewal_after_retake_issues_a_new_certificate(app, learner, emobility):
    complete(app, learner, emobility.course, COMPLETED)
    first = services.find_issued(learner.id, emobility.course_id, COMPLETED)
    later = COMPLETED + timedelta(days=300)
    complete(app, learner, emobility.course, later)
    second = services.find_issued(learner.id, emobility.course_id, later)
    assert second.id != first.id and second.number != first.number
    assert second.payload["renews"] == first.number
    assert second.expires_at >= first.expires_at  # both run to the same day's end at least
    assert first.superseded_by_id is None  # the old one keeps its own validity
    assert services.certificate_status(first, first.expires_at - timedelta(days=1)) == "expiring"
    assert [c.number for c in services.certificates_of(learner)] == [second.number]


def test_sessions_attended_and_trainer_are_stated(learner, emobility):
    trainer = make_user(is_trainer=True, name="Tanja Trainerin")
    make_session_attended(learner, emobility.course, trainer=trainer)
    certificate = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    assert certificate.payload["trainer"] == "Tanja Trainerin"
    assert certificate.trainer_id == trainer.id
    assert certificate.payload["sessions"] == [
        {"title": "Hochvolt-Workshop", "date": "2026-11-17", "hours": 8.0}]


def expiring_soon(certificate, days=20):
    certificate.expires_at = utcnow() + timedelta(days=days)
    db.session.flush()


def test_reminders_go_once_to_learner_and_managers(app, runner, mails, certificate, learner,
                                                   manager, other_learner):
    expiring_soon(certificate)
    db.session.commit()
    result = runner.invoke(args=["certificates", "remind"])
    assert result.exit_code == 0, result.output
    assert "1 reminder(s) sent" in result.output
    sent = mails()
    assert sorted(m["To"] for m in sent) == sorted([learner.email, manager.email])
    learner_mail = next(m for m in sent if m["To"] == learner.email)
    assert certificate.number in learner_mail.get_content()
    assert "läuft am" in learner_mail["Subject"]
    db.session.refresh(certificate)
    assert certificate.reminded_at is not None

    result = runner.invoke(args=["certificates", "remind"])
    assert "0 reminder(s) sent" in result.output
    assert len(mails()) == 2


def test_no_reminder_when_renewed_revoked_or_far_from_expiry(app, learner, emobility):
    first = services.issue_certificate(learner, emobility, COMPLETED, NOW)
    expiring_soon(first)
    services.issue_certificate(learner, emobility, COMPLETED + timedelta(days=1), utcnow())
    assert send_expiry_reminders(utcnow()) == 0

    other = make_user()
    far = services.issue_certificate(other, emobility, COMPLETED, utcnow())  # 12 months left
    revoked = services.issue_certificate(make_user(), emobility, COMPLETED, NOW)
    expiring_soon(revoked)
    services.revoke_certificate(make_user(is_admin=True), revoked, "Irrtum", NOW)
    assert send_expiry_reminders(utcnow()) == 0
    assert far.reminded_at is None
