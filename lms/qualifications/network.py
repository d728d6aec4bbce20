"""The network's picture of qualifications: required, missing and expiring, by group.

Counted over every member company in one SQL aggregate (people × required qualification,
with the best evidence each person holds), never per person in Python. A group is shown
only when it has at least :data:`MIN_PEOPLE` people from at least :data:`MIN_COMPANIES`
companies; otherwise it is withheld and only counted as such, so no company and no person
can be picked out of the picture.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, select

from lms.accounts.models import Membership, Organisation, User
from lms.accounts.regions import size_band_sql
from lms.extensions import db
from lms.qualifications.models import (
    Evidence,
    JobRole,
    Qualification,
    RoleHolder,
    RoleRequirement,
    counting_evidence_condition,
)

MIN_PEOPLE = 5
MIN_COMPANIES = 3
#: Groupings a view can ask for: everything together, per district, per size band.
DIMENSIONS = ("all", "region", "size")
#: Stands for "valid without end" when taking the latest expiry of a person's evidence.
NO_EXPIRY = date(9999, 12, 31)


@dataclass(frozen=True)
class NetworkFilter:
    dimension: str = "all"
    region: str | None = None
    size_band: str | None = None


@dataclass
class GroupRow:
    """One qualification in one group, with its counts."""

    qualification_id: int
    key: str
    title_de: str
    title_en: str
    group: str
    people: int
    companies: int
    required: int
    valid: int
    expiring_30: int
    expiring_90: int
    expired: int
    missing: int
    withheld: bool = False

    @property
    def missing_share(self) -> float:
        """Missing or expired, as a share of what is required."""
        return (self.missing + self.expired) / self.required if self.required else 0.0


@dataclass
class NetworkPicture:
    """The groups shown (most missing first) and how many were withheld."""

    rows: list[GroupRow] = field(default_factory=list)
    withheld: int = 0


def _required():
    """Each member's required qualifications (highest level over their roles), per company.

    As in the company matrix (``status.requirements_of``), only roles of the person's own
    company count and anonymised accounts do not; unlike it, only qualifications of the
    network's catalogue, the ones companies share (a company's own qualification could
    never reach three companies). Enrolments are not looked at: "in progress" counts as
    missing here, because the network asks what is still to be provided.
    """
    return (
        select(
            RoleHolder.user_id.label("user_id"),
            Membership.organisation_id.label("organisation_id"),
            RoleRequirement.qualification_id.label("qualification_id"),
            func.max(RoleRequirement.level).label("level"),
        )
        .join(JobRole, JobRole.id == RoleHolder.role_id)
        .join(RoleRequirement, RoleRequirement.role_id == JobRole.id)
        .join(Membership, and_(Membership.user_id == RoleHolder.user_id,
                               Membership.organisation_id == JobRole.organisation_id))
        .join(User, and_(User.id == RoleHolder.user_id, User.anonymised_at.is_(None)))
        .join(Qualification, Qualification.id == RoleRequirement.qualification_id)
        .where(Qualification.organisation_id.is_(None), Qualification.archived.is_(False))
        .group_by(RoleHolder.user_id, Membership.organisation_id,
                  RoleRequirement.qualification_id)
        .subquery("required")
    )


def _best(required):
    """Per required cell, the latest end of validity of the evidence that counts (or NULL)."""
    # no evidence row (outer join) → NULL; evidence without expiry → the far future
    until = case((Evidence.id.is_(None), None),
                 else_=func.coalesce(Evidence.valid_until, literal(NO_EXPIRY)))
    return (
        select(
            required.c.user_id, required.c.organisation_id, required.c.qualification_id,
            func.max(until).label("best_until"),
        )
        .select_from(required)
        .outerjoin(Evidence, and_(
            Evidence.user_id == required.c.user_id,
            Evidence.qualification_id == required.c.qualification_id,
            Evidence.level >= required.c.level,
            counting_evidence_condition(),
        ))
        .group_by(required.c.user_id, required.c.organisation_id, required.c.qualification_id)
        .subquery("best")
    )


def aggregate_statement(today: date, filters: NetworkFilter):
    """The one SQL statement behind a view: counts per qualification and group."""
    required = _required()
    best = _best(required)
    until = best.c.best_until
    if filters.dimension == "region":
        group = Organisation.region
    elif filters.dimension == "size":
        group = size_band_sql(Organisation.employee_count)
    else:
        group = literal("all")
    group = group.label("grp")

    def count_when(condition):
        return func.sum(case((condition, 1), else_=0))

    statement = (
        select(
            Qualification.id, Qualification.key, Qualification.title_de, Qualification.title_en,
            group,
            func.count(func.distinct(best.c.user_id)),
            func.count(func.distinct(best.c.organisation_id)),
            func.count(),
            count_when(until > today + timedelta(days=90)),
            count_when(and_(until >= today, until <= today + timedelta(days=30))),
            count_when(and_(until > today + timedelta(days=30),
                            until <= today + timedelta(days=90))),
            count_when(until < today),
            count_when(until.is_(None)),
        )
        .select_from(best)
        .join(Organisation, Organisation.id == best.c.organisation_id)
        .join(Qualification, Qualification.id == best.c.qualification_id)
        .group_by(Qualification.id, Qualification.key, Qualification.title_de,
                  Qualification.title_en, group)
    )
    if filters.region:
        statement = statement.where(Organisation.region == filters.region)
    if filters.size_band:
        statement = statement.where(
            size_band_sql(Organisation.employee_count) == filters.size_band)
    return statement


def network_picture(today: date, filters: NetworkFilter = NetworkFilter()) -> NetworkPicture:
    """Counts per qualification and group, small groups withheld, most missing first.

    Besides each small group, the next-smallest group of the same qualification is withheld
    when only one would be (complementary suppression): otherwise the overall view minus
    the shown groups would give the withheld group's numbers away.
    """
    rows = [GroupRow(*found) for found in db.session.execute(aggregate_statement(today, filters))]
    for row in rows:
        row.withheld = row.people < MIN_PEOPLE or row.companies < MIN_COMPANIES
    if filters.dimension != "all":
        by_qualification: dict[int, list[GroupRow]] = {}
        for row in rows:
            by_qualification.setdefault(row.qualification_id, []).append(row)
        for group_rows in by_qualification.values():
            withheld = [row for row in group_rows if row.withheld]
            shown = sorted((row for row in group_rows if not row.withheld),
                           key=lambda row: (row.people, row.group))
            if len(withheld) == 1 and shown:
                shown[0].withheld = True
    # nothing of a withheld group leaves this function but the fact that it exists
    shown = [row for row in rows if not row.withheld]
    shown.sort(key=lambda row: (-row.missing_share, -row.required, row.title_de, str(row.group)))
    return NetworkPicture(rows=shown, withheld=len(rows) - len(shown))
