"""Qualification rows on top of the API world: catalogue, own qualifications, roles, evidence."""

from datetime import date
from types import SimpleNamespace

from lms.db import utcnow
from tests.lms.qualifications.qualification_data import (
    give_evidence,
    hold,
    make_qualification,
    make_role,
)


def build_qualifications(world) -> SimpleNamespace:
    """Company A: role "Instandhaltung Elektrik" (Hochvolt from the catalogue at level 1, own
    "Kranführerschein") held by Anna and Ben; Anna has confirmed Hochvolt evidence. Company B:
    its own qualification and a role held by Bernd."""
    hochvolt = make_qualification(key="hochvolt-eup", title_de="Hochvolt EuP",
                                  levels=["EuP", "EFK"], validity_months=12)
    crane = make_qualification(world.org_a, key="kran", title_de="Kranführerschein",
                               validity_months=None)
    foreign = make_qualification(world.org_b, key="blech", title_de="Blechbiegen")
    role = make_role(world.org_a, requires=[(hochvolt, 1), (crane, 1)])
    hold(role, world.anna, world.ben)
    evidence = give_evidence(world.anna, hochvolt, valid_until=date(2099, 1, 31),
                             kind="external", confirmed_by_id=world.manager.id,
                             confirmed_at=utcnow())
    role_b = make_role(world.org_b, name="Biegerei", requires=[(foreign, 1)])
    hold(role_b, world.bernd)
    foreign_evidence = give_evidence(world.bernd, foreign, valid_until=None)
    return SimpleNamespace(hochvolt=hochvolt, crane=crane, foreign=foreign, role=role,
                           role_b=role_b, evidence=evidence, foreign_evidence=foreign_evidence)
