"""Demo data for qualification planning: a fresh install shows a matrix with every colour.

At the demo company (Sauerland Metallwerke) the manager copies the network's template
"Instandhaltung Elektrik" (high-voltage EuP and OEE analysis), gives it to the demo learner
Lena and to three colleagues without a login (accounts without e-mail, found by personnel
number), and confirms on the job what the colleagues showed at work, on dates that make
the cells valid, expiring within 30 days and expired; Lena's are missing (or in progress
while she is enrolled in a providing course).

The rule for running it again (``atlas demo seed`` on every ``make run``): it runs once
per database. The first run writes ``demo_qualifications_seeded`` to the admin audit log,
which nobody can delete; while that entry exists nothing here creates anything, so a role,
holder or piece of evidence the user renamed, removed or revoked is never recreated. On a
first run it also leaves alone what looks like the user's own work: a company role named
like the template already (then no role, holders or evidence are made, only the marker),
and a member who already has one of the demo personnel numbers (not given the role).
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from lms.accounts import audit, services
from lms.accounts.models import AdminAuditEntry, Organisation
from lms.accounts.passwords import hash_password
from lms.accounts.shop_floor import find_member
from lms.cli.demo import DEMO_ORGANISATION
from lms.extensions import db
from lms.local_time import local_day
from lms.qualifications import evidence, roles
from lms.qualifications.models import JobRole, Qualification

MARKER = "demo_qualifications_seeded"
DEMO_ROLE = "Instandhaltung Elektrik"
DEMO_LEARNER = "lena@sauerland-metall.example"
DEMO_MANAGER = "manager@sauerland-metall.example"
#: name, personnel number, days since the high-voltage instruction (valid 12 months; None:
#: never instructed), whether the manager saw OEE analysis on the job
DEMO_COLLEAGUES = (
    ("Frank Becker", "10401", 60, True),       # valid, valid
    ("Nadine Krüger", "10402", 350, False),    # expires within 30 days, OEE missing
    ("Luca Romano", "10403", 400, True),       # expired, valid
)
DEMO_DEPARTMENT = "Instandhaltung"


def seed_demo_qualifications(now: datetime) -> list[str]:
    """The demo's role, colleagues and evidence, once per database (flush only)."""
    if db.session.scalar(select(AdminAuditEntry.id).where(AdminAuditEntry.action == MARKER)
                         .limit(1)) is not None:
        return []
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION[0]))
    manager = services.find_user_by_email(DEMO_MANAGER)
    learner = services.find_user_by_email(DEMO_LEARNER)
    template = db.session.scalar(select(JobRole).where(JobRole.organisation_id.is_(None),
                                                       JobRole.name == DEMO_ROLE))
    if organisation is None or manager is None or template is None:
        return []  # nothing to build on (yet): no marker, a later run may do it
    exists = db.session.scalar(select(JobRole.id).where(
        JobRole.organisation_id == organisation.id,
        func.lower(JobRole.name) == DEMO_ROLE.lower()).limit(1))
    if exists is not None:  # the company's own role of that name: not ours to fill
        audit.record(None, None, MARKER, f"{organisation.name}: {DEMO_ROLE} (schon da)", now)
        db.session.flush()
        return []

    role = roles.copy_template(manager, organisation, template.id)
    department = next((d for d in organisation.departments if d.name == DEMO_DEPARTMENT), None)
    holders = [learner.id] if learner is not None and learner.membership is not None and \
        learner.membership.organisation_id == organisation.id else []
    qualifications = {q.key: q for q in db.session.scalars(select(Qualification).where(
        Qualification.organisation_id.is_(None),
        Qualification.key.in_(("hv-eup", "oee-analysis"))))}
    today = local_day(now)
    for name, number, days, has_oee in DEMO_COLLEAGUES:
        if find_member(organisation, number) is not None:
            continue  # somebody's real colleague: left alone
        # no e-mail, no known password: listed in the matrix, never signs in
        colleague = services.create_user(
            email=None, name=name, now=now,
            password_hash=hash_password(secrets.token_urlsafe(32)))
        services.add_member(organisation, colleague, department=department,
                            personnel_number=number, now=now)
        holders.append(colleague.id)
        if days is not None and "hv-eup" in qualifications:
            evidence.confirm_on_the_job(
                manager, organisation, colleague.id, qualifications["hv-eup"], 1,
                issued_on=today - timedelta(days=days),
                note="Unterweisung nach DGUV Information 209-093 (Demo)", now=now)
        if has_oee and "oee-analysis" in qualifications:
            evidence.confirm_on_the_job(
                manager, organisation, colleague.id, qualifications["oee-analysis"], 2,
                issued_on=today - timedelta(days=30),
                note="OEE einer Stanzlinie erhoben und Verluste zugeordnet (Demo)", now=now)
    added = roles.assign_role(manager, organisation, role, holders, now)
    audit.record(None, None, MARKER, f"{organisation.name}: {DEMO_ROLE}, {added} Personen", now)
    db.session.flush()
    return [f"  Qualifikationen: Rolle „{DEMO_ROLE}“ mit {added} Personen in der Matrix "
            f"(/company/qualifications/)"]
