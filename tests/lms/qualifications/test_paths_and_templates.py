"""Role templates copied with their learning path; progress along the path."""

import pytest
from sqlalchemy import select

from lms.db import utcnow
from lms.errors import ValidationFailedError
from lms.extensions import db
from lms.learning import enrolment as enrolments
from lms.qualifications import roles
from lms.qualifications.gaps import paths_for
from lms.qualifications.models import JobRole
from tests.lms.learning.test_projection import complete_everything


def test_template_copy_brings_requirements_and_path(app, import_real, company):
    course = import_real("e-mobility", "digital-production")[0].version.course
    template = db.session.scalar(select(JobRole).where(
        JobRole.organisation_id.is_(None), JobRole.name == "Instandhaltung Elektrik"))
    role = roles.copy_template(company.manager, company.organisation, template.id)
    assert role.organisation_id == company.organisation.id
    assert {r.qualification.key for r in role.requirements} == {"hv-eup", "oee-analysis"}
    assert role.sso_department == "Instandhaltung"
    roles.assign_role(company.manager, company.organisation, role, [company.anna.id], utcnow())
    [progress] = paths_for(company.anna)
    assert [s.done for s in progress.steps] == [False, False, False]
    assert progress.steps[0].title.endswith("Hochvolt-Sicherheit")

    now = utcnow()
    enrolment = enrolments.enrol(company.anna, course, company.anna, now)
    with app.test_request_context("/"):
        complete_everything(enrolment, now)
    [progress] = paths_for(company.anna)
    assert [s.done for s in progress.steps] == [True, True, False]
    assert progress.done == 2


def test_path_steps_are_checked_against_the_course(import_real, company):
    import_real("e-mobility")
    with pytest.raises(ValidationFailedError, match="kein Modul"):
        roles.add_path_step(company.manager, company.organisation, company.role, "e-mobility",
                            "gibt-es-nicht")
    with pytest.raises(ValidationFailedError):
        roles.add_path_step(company.manager, company.organisation, company.role, "nope", None)
    first = roles.add_path_step(company.manager, company.organisation, company.role,
                                "e-mobility", "hochvolt-sicherheit")
    second = roles.add_path_step(company.manager, company.organisation, company.role,
                                 "e-mobility", None)
    assert (first.position, second.position) == (1, 2)
    roles.remove_path_step(company.manager, company.organisation, company.role, first.id)
    assert second.position == 1
