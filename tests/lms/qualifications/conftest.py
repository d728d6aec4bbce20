"""A company with a manager, two employees, the starter catalogue and one role."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.qualifications import roles
from lms.qualifications.catalogue import seed_catalogue
from lms.qualifications.models import Qualification
from tests.factories import make_member, make_organisation


@dataclass
class Company:
    organisation: object
    manager: object
    anna: object
    ben: object
    hv: Qualification
    role: object


@pytest.fixture
def company(app):
    now = utcnow()
    seed_catalogue(now)
    organisation = make_organisation()
    manager = make_member(organisation, role="manager", name="Mia Managerin")
    anna = make_member(organisation, name="Anna Elektrik")
    ben = make_member(organisation, name="Ben Elektrik")
    hv = db.session.scalar(select(Qualification).where(Qualification.key == "hv-eup",
                                                       Qualification.organisation_id.is_(None)))
    role = roles.create_role(manager, organisation, name="HV-Techniker")
    roles.set_requirement(manager, organisation, role, hv.id, 1)
    roles.assign_role(manager, organisation, role, [anna.id, ben.id], now)
    return Company(organisation, manager, anna, ben, hv, role)


def login(client, auth, user):
    response = auth.login(user.email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
