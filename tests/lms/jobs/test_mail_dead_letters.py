"""A mail the SMTP server refuses is tried again, then listed for admins to retry or discard."""

from sqlalchemy import select

from lms.extensions import db
from lms.jobs.models import DeadLetter
from lms.mail import queue_mail
from tests.conftest import csrf_token_from
from tests.factories import make_user
from tests.fixtures.services import run_worker


def mail_letters() -> list[DeadLetter]:
    return list(db.session.scalars(select(DeadLetter).where(DeadLetter.job_name == "mail.send")))


def test_refused_mail_is_retried_then_listed_and_resent_by_an_admin(app, client, auth,
                                                                     smtp_server):
    queue_mail(db.session, "kollegin@example.org", "Erinnerung Hochvolt", "Bitte abschließen.")
    db.session.commit()
    assert smtp_server.refused == 3  # three tries (ATLAS_JOB_RETRIES in the fixture)
    [letter] = mail_letters()
    assert letter.attempts == 3 and "550" in letter.error

    make_user(email="admin@example.org", is_admin=True)
    db.session.commit()
    auth.login("admin@example.org")
    page = client.get("/admin/")
    html = page.get_data(as_text=True)
    assert "Fehlgeschlagene Hintergrundaufträge" in html
    assert "kollegin@example.org" in html and "Erinnerung Hochvolt" in html

    smtp_server.refuse = False
    response = client.post(f"/admin/jobs/{letter.id}/retry",
                           data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert len(smtp_server.received) == 1
    assert "Subject: Erinnerung Hochvolt" in smtp_server.received[0]
    assert mail_letters() == []
    assert "Keine fehlgeschlagenen Aufträge." in client.get("/admin/").get_data(as_text=True)


def test_admin_discards_a_dead_letter(app, client, auth, smtp_server):
    queue_mail(db.session, "weg@example.org", "Alt", "Text")
    db.session.commit()
    [letter] = mail_letters()
    make_user(email="admin@example.org", is_admin=True)
    db.session.commit()
    auth.login("admin@example.org")
    token = auth.csrf("/admin/")
    assert client.post(f"/admin/jobs/{letter.id}/discard",
                       data={"csrf_token": token}).status_code == 302
    assert mail_letters() == [] and smtp_server.received == []


def test_only_admins_retry(app, client, auth, smtp_server):
    queue_mail(db.session, "x@example.org", "Betreff", "Text")
    db.session.commit()
    [letter] = mail_letters()
    make_user(email="trainer@example.org", is_trainer=True)
    db.session.commit()
    auth.login("trainer@example.org")
    response = client.post(f"/admin/jobs/{letter.id}/retry",
                           data={"csrf_token": auth.csrf("/")})
    assert response.status_code == 403
    assert len(mail_letters()) == 1


def test_refused_mail_through_redis_worker_becomes_dead_letter(app, smtp_server, redis_site):
    queue_mail(db.session, "kollege@example.org", "Über Redis", "Text")
    db.session.commit()
    assert smtp_server.refused == 0  # waits in the queue
    run_worker(app)
    assert smtp_server.refused == 3
    [letter] = mail_letters()
    assert letter.arguments["subject"] == "Über Redis"


def test_accepted_mail_is_delivered_by_the_worker(app, smtp_server, redis_site):
    smtp_server.refuse = False
    queue_mail(db.session, "kollege@example.org", "Zugestellt", "Text")
    db.session.commit()
    run_worker(app)
    assert len(smtp_server.received) == 1 and mail_letters() == []
