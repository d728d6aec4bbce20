"""Company side of accounts without e-mail: assignment notices, exports and certificates."""

import pytest
from sqlalchemy import select

from lms.accounts.models import InboxMessage
from lms.certificates.badge import unsigned_credential
from lms.companies.assignments import assign_course
from lms.extensions import db
from tests.lms.api.world import build_world
from tests.lms.companies.test_exports import export, read_csv


def test_an_assignment_reaches_a_worker_without_email_in_the_platform(
        app, mails, company, course, now):
    worker, colleague = company.employees[:2]
    worker.email = None
    db.session.flush()
    assign_course(company.manager, company.organisation, course, now=now,
                  user_ids=[worker.id, colleague.id])
    db.session.commit()
    assert [m["To"] for m in mails()] == [colleague.email]
    [message] = db.session.scalars(select(InboxMessage).where(
        InboxMessage.user_id == worker.id)).all()
    assert message.subject.startswith("Neuer Kurs für Sie") and worker.name in message.body


@pytest.fixture
def world(import_real):  # noqa: F811
    return build_world(import_real("e-mobility")[0].version)


def test_exports_and_badges_leave_the_address_out_not_none(client, auth, world):
    world.anna.email = None
    db.session.commit()
    auth.login(world.manager.email)
    table = read_csv(export(client, auth))
    anna = next(row for row in table[1:] if row[0] == "Anna Abschluss")
    assert anna[1] == "" and anna[2] == "P-001"
    identifiers = unsigned_credential(world.certificate)["credentialSubject"]["identifier"]
    assert [i["identityType"] for i in identifiers] == ["name"]
