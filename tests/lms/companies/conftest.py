"""Fixtures for the company portal tests: two companies, their people, a published course."""

from dataclasses import dataclass

import pytest

from lms.accounts.models import Department, Organisation, User
from lms.db import utcnow
from lms.extensions import db
from tests.factories import make_department, make_member, make_organisation


@dataclass
class Company:
    organisation: Organisation
    department: Department
    manager: User
    works_council: User
    employees: list[User]


def build_company(name: str, employees: int = 5) -> Company:
    organisation = make_organisation(name=name)
    department = make_department(organisation, name="Stanzerei", cost_centre="4100")
    manager = make_member(organisation, role="manager", name=f"Manager {name}")
    council = make_member(organisation, role="works_council", name=f"Betriebsrat {name}")
    people = []
    for n in range(employees):
        person = make_member(organisation, name=f"Beschäftigte {n} {name}")
        person.membership.department = department
        person.membership.personnel_number = f"P{n:03d}"
        people.append(person)
    db.session.flush()
    return Company(organisation, department, manager, council, people)


@pytest.fixture
def company(app) -> Company:
    return build_company("Muster Zulieferer GmbH")


@pytest.fixture
def other_company(app) -> Company:
    return build_company("Konkurrenz Metall AG", employees=2)


@pytest.fixture
def course(import_real):  # noqa: F811
    return import_real("e-mobility")[0].version.course


@pytest.fixture
def now():
    return utcnow()
