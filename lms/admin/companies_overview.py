"""The operator's view across companies: seats, activity, enrolments, completions, certificates.

Each figure is one grouped query over all organisations (no query per company).
"""

from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import func, select

from lms.access import admin_required
from lms.accounts.models import Membership, Organisation
from lms.admin.views import bp
from lms.certificates.models import Certificate
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment

ACTIVE_WINDOW = timedelta(days=30)


def _per_organisation(query) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def company_figures(now: datetime) -> list[dict]:
    """One row per organisation with its counts, ordered by name."""
    member = Membership.organisation_id
    seats = _per_organisation(select(member, func.count()).group_by(member))
    active = _per_organisation(
        select(member, func.count(func.distinct(CourseProgress.user_id)))
        .join(CourseProgress, CourseProgress.user_id == Membership.user_id)
        .where(CourseProgress.last_activity_at >= now - ACTIVE_WINDOW).group_by(member))
    enrolments = _per_organisation(
        select(member, func.count(Enrolment.id))
        .join(Enrolment, Enrolment.user_id == Membership.user_id)
        .where(Enrolment.status == "active").group_by(member))
    completions = _per_organisation(
        select(member, func.count(CourseProgress.id))
        .join(CourseProgress, CourseProgress.user_id == Membership.user_id)
        .where(CourseProgress.completed_at.is_not(None)).group_by(member))
    certificates = _per_organisation(
        select(member, func.count(Certificate.id))
        .join(Certificate, Certificate.user_id == Membership.user_id)
        .where(Certificate.revoked_at.is_(None)).group_by(member))
    return [
        {"organisation": organisation, "seats": seats.get(organisation.id, 0),
         "active": active.get(organisation.id, 0),
         "enrolments": enrolments.get(organisation.id, 0),
         "completions": completions.get(organisation.id, 0),
         "certificates": certificates.get(organisation.id, 0)}
        for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]


@bp.get("/companies")
@admin_required
def companies_overview():
    figures = company_figures(utcnow())
    totals = {key: sum(row[key] for row in figures)
              for key in ("seats", "active", "enrolments", "completions", "certificates")}
    return render_template("admin/companies_overview.html", figures=figures, totals=totals)
