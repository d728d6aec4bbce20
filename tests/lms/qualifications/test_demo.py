"""`atlas demo seed` shows a qualification matrix, once, and never over the user's work."""

from sqlalchemy import func, select

from lms.accounts.models import Membership, Organisation, User
from lms.cli.demo import DEMO_ORGANISATION
from lms.db import utcnow
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import roles
from lms.qualifications.demo import DEMO_ROLE, MARKER
from lms.qualifications.models import Evidence, JobRole, RoleHolder
from lms.qualifications.status import MatrixFilters, matrix


def _seed(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result.output


def _demo_company():
    return db.session.scalar(select(Organisation).where(
        Organisation.name == DEMO_ORGANISATION[0]))


def _tally():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (JobRole, RoleHolder, Evidence, User, Membership))


def test_a_fresh_install_shows_valid_expiring_expired_and_missing_cells(app, runner):
    output = _seed(runner)
    assert DEMO_ROLE in output
    company = _demo_company()
    (role,) = [r for r in roles.company_roles(company) if r.name == DEMO_ROLE]
    result = matrix(company, local_day(utcnow()), MatrixFilters(role_id=role.id), per_page=0)
    keys = {column.qualification.id: column.qualification.key for column in result.columns}
    cells = {(row.name, keys[qid]): str(cell.status)
             for row in result.rows for qid, cell in row.cells.items()}
    assert cells[("Frank Becker", "hv-eup")] == "valid"
    assert cells[("Frank Becker", "oee-analysis")] == "valid"
    assert cells[("Nadine Krüger", "hv-eup")] == "expiring_30"
    assert cells[("Nadine Krüger", "oee-analysis")] == "missing"
    assert cells[("Luca Romano", "hv-eup")] == "expired"
    # the learning demo enrols Lena in e-mobility, which provides the qualification
    assert cells[("Lena Lernwig", "hv-eup")] == "in_progress"
    # the colleagues have no login: no e-mail address
    colleagues = db.session.scalars(select(User).where(User.name.in_(
        ("Frank Becker", "Nadine Krüger", "Luca Romano")))).all()
    assert len(colleagues) == 3 and all(user.email is None for user in colleagues)
    # why Frank is valid: confirmed on the job by the demo manager
    frank = next(row for row in result.rows if row.name == "Frank Becker")
    reason = frank.cells[next(q for q, k in keys.items() if k == "hv-eup")].reasons[0]
    assert reason.kind == "on_the_job" and reason.by == "Maria Meister"


def test_seeding_again_creates_nothing_twice(app, runner):
    _seed(runner)
    before = _tally()
    output = _seed(runner)
    assert _tally() == before
    assert DEMO_ROLE not in output


def test_what_the_user_renamed_or_removed_is_not_recreated(app, runner):
    _seed(runner)
    company = _demo_company()
    (role,) = [r for r in roles.company_roles(company) if r.name == DEMO_ROLE]
    manager = db.session.scalar(select(User).where(User.name == "Maria Meister"))
    frank = db.session.scalar(select(User).where(User.name == "Frank Becker"))
    role.name = "Elektrik (eigene)"
    roles.remove_holder(manager, company, role, frank.id)
    db.session.commit()
    _seed(runner)
    assert [r.name for r in roles.company_roles(company)] == ["Elektrik (eigene)"]
    assert frank.id not in {h.user_id for h in roles.holders_of(role)}
    assert db.session.scalar(select(func.count(User.id)).where(
        User.name == "Frank Becker")) == 1


def test_a_role_of_that_name_the_company_made_itself_is_left_alone(app, runner):
    now = utcnow()
    company = Organisation(name=DEMO_ORGANISATION[0], city=DEMO_ORGANISATION[1],
                           created_at=now, updated_at=now)
    db.session.add(company)
    db.session.flush()
    own = JobRole(organisation_id=company.id, name=DEMO_ROLE.upper(), description="unsere")
    db.session.add(own)
    db.session.commit()
    _seed(runner)
    assert [r.name for r in roles.company_roles(company)] == [DEMO_ROLE.upper()]
    assert roles.holders_of(own) == [] and own.requirements == []
    assert db.session.scalar(select(func.count(User.id)).where(
        User.name == "Frank Becker")) == 0
    from lms.accounts.models import AdminAuditEntry
    assert db.session.scalar(select(func.count(AdminAuditEntry.id)).where(
        AdminAuditEntry.action == MARKER)) == 1
