"""The daily round of qualification planning (scheduler via ``lms.jobs.every``)."""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from lms.accounts.models import Membership, Organisation
from lms.db import utcnow
from lms.extensions import db
from lms.jobs import every
from lms.qualifications.evidence import sync_derived_evidence
from lms.qualifications.gaps import run_renewals
from lms.qualifications.models import JobRole
from lms.qualifications.roles import sync_department_roles

BATCH = 500


def daily_round(now: datetime) -> dict:
    """Department roles, evidence from certificates/modules/sessions, then renewals.

    Flush only; returns counts. Evidence is derived for members of companies that use
    roles, in batches, so the renewal check sees this morning's certificates.
    """
    organisation_ids = list(db.session.scalars(
        select(JobRole.organisation_id).where(JobRole.organisation_id.is_not(None)).distinct()))
    for organisation in db.session.scalars(select(Organisation).where(
            Organisation.id.in_(organisation_ids))):
        sync_department_roles(organisation, now)
    user_ids = list(db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id.in_(organisation_ids)).order_by(Membership.user_id)))
    for start in range(0, len(user_ids), BATCH):
        sync_derived_evidence(user_ids[start:start + BATCH], now)
    return {"evidence_people": len(user_ids), "renewals": run_renewals(now)}


@every(timedelta(days=1), name="qualifications.daily")
def daily() -> None:
    """Daily: each renewal is recorded in ``qualification_renewals`` and made once."""
    with current_app.test_request_context("/", base_url=current_app.config["ATLAS_BASE_URL"]):
        daily_round(utcnow())
