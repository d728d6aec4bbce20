"""Demo data for the company portal: more employees at Sauerland Metallwerke and an assignment."""

import secrets
from datetime import timedelta

from sqlalchemy import select

from lms.accounts import services
from lms.accounts.models import Organisation
from lms.catalog.models import Course
from lms.cli.demo import DEMO_ORGANISATION
from lms.companies.assignments import assign_course, has_assignment
from lms.companies.models import Assignment
from lms.extensions import db
from lms.learning.enrolment import find_enrolment
from lms.local_time import local_day

DEMO_EMPLOYEES = (
    # name, email local part, department, personnel number
    ("Kemal Arslan", "kemal.arslan", "Stanzerei", "10231"),
    ("Sabine Hoffmann", "sabine.hoffmann", "Stanzerei", "10232"),
    ("Jan Wiśniewski", "jan.wisniewski", "Stanzerei", "10233"),
    ("Petra Schäfer", "petra.schaefer", "Stanzerei", "10234"),
    ("Dimitrios Papadopoulos", "dimitrios.papadopoulos", "Stanzerei", "10235"),
    ("Heike Brüggemann", "heike.brueggemann", "Instandhaltung", "10301"),
    ("Ömer Yıldız", "oemer.yildiz", "Instandhaltung", "10302"),
)
DEMO_COURSE = "sustainability"
DEMO_LEARNER = "lena@sauerland-metall.example"
DEMO_MANAGER = "manager@sauerland-metall.example"


def seed_demo_company(now) -> list[str]:
    """Create the missing demo employees and one department assignment (flush only)."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == DEMO_ORGANISATION[0])
    )
    if organisation is None:
        return []
    departments = {d.name: d for d in organisation.departments}
    for name, local, department, number in DEMO_EMPLOYEES:
        email = f"{local}@sauerland-metall.example"
        user = services.find_user_by_email(email)
        if user is None:
            # nobody logs in as them: a random password nobody knows
            user = services.create_user(
                email=email, name=name, password=secrets.token_urlsafe(16), now=now
            )
        if user.membership is None:
            services.add_member(organisation, user, department=departments.get(department),
                                personnel_number=number, now=now)
    lines = []
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE))
    manager = services.find_user_by_email(DEMO_MANAGER)
    # the demo's own assignment, not any: the learning demo assigns a course to Lena
    has_assignment = course is not None and departments.get("Stanzerei") is not None \
        and db.session.scalar(select(Assignment.id).where(
            Assignment.organisation_id == organisation.id, Assignment.course_id == course.id,
            Assignment.department_id == departments["Stanzerei"].id).limit(1))
    if (not has_assignment and course is not None and course.published_version_id
            and manager is not None and departments.get("Stanzerei")):
        assign_course(manager, organisation, course, now=now,
                      department_id=departments["Stanzerei"].id,
                      due_on=local_day(now + timedelta(days=28)))
        lines.append(f"  Zuweisung: {DEMO_COURSE} an Stanzerei, fällig in 4 Wochen")
    lines.extend(_assign_demo_learner(now))
    return lines


def _assign_demo_learner(now) -> list[str]:
    """The manager assigns digital production to Lena, due in three weeks (idempotent).

    Through the portal's service, so the assignment is listed (and can be revoked) under
    "Zuweisungen" like one made on the page; an enrolment alone was not.
    """
    learner = services.find_user_by_email(DEMO_LEARNER)
    manager = services.find_user_by_email(DEMO_MANAGER)
    course = db.session.scalar(select(Course).where(Course.slug == "digital-production"))
    if (learner is None or manager is None or learner.membership is None or course is None
            or not course.published_version_id):
        return []
    enrolment = find_enrolment(learner, course)
    if enrolment is not None and has_assignment(learner, course):
        return []
    today = local_day(now)
    due_on = enrolment.due_on if enrolment is not None and enrolment.due_on \
        and enrolment.due_on >= today else local_day(now + timedelta(weeks=3))
    assign_course(manager, learner.membership.organisation, course, now=now,
                  user_ids=[learner.id], due_on=due_on)
    return [f"  learning: {learner.email} assigned digital-production by "
            f"{manager.email}, due in 3 weeks"]


