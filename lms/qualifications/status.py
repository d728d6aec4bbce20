"""The status of a person's qualification on a given day, and the matrix of a company.

Nothing here is stored: the status follows from the evidence rows (``Evidence``), the
day asked about and whether the person is enrolled in a course that provides the
qualification. ``valid_until`` is the last day evidence counts, so on that day the status
is still ``expiring_30`` and the day after ``expired``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from lms.accounts.models import Department, Membership, Organisation, User
from lms.catalog.models import Course
from lms.companies.consent import consenting_user_ids
from lms.companies.visibility import fields_visible
from lms.extensions import db
from lms.learning.models import CourseProgress, Enrolment
from lms.paging import Paged
from lms.qualifications.models import (
    AWAITING_KINDS,
    Evidence,
    EvidenceRule,
    JobRole,
    Qualification,
    RoleHolder,
    RoleRequirement,
    counting_evidence_condition,
    evidence_counts,
)


class CellStatus(StrEnum):
    VALID = "valid"
    EXPIRING_30 = "expiring_30"
    EXPIRING_90 = "expiring_90"
    EXPIRED = "expired"
    MISSING = "missing"
    IN_PROGRESS = "in_progress"


#: the order pages, legends and counts use: good to bad
STATUSES = (CellStatus.VALID, CellStatus.EXPIRING_90, CellStatus.EXPIRING_30,
            CellStatus.IN_PROGRESS, CellStatus.EXPIRED, CellStatus.MISSING)
#: the visibility-profile field a person's qualification status falls under
STATUS_FIELD = "certificates"
#: … and the one that tells enrolled ("in progress") from missing
PROGRESS_FIELD = "enrolment"
#: rows a matrix page shows
PAGE_SIZE = 100


@dataclass(frozen=True)
class Reason:
    """Why a cell has its status: one piece of evidence, or the providing enrolment."""

    kind: str
    issued_on: date | None
    valid_until: date | None
    by: str = ""
    evidence_id: int | None = None
    course_slug: str | None = None
    note: str = ""
    counts: bool = True


@dataclass
class Cell:
    qualification_id: int
    level: int
    status: CellStatus | None
    valid_until: date | None = None
    reasons: list[Reason] = field(default_factory=list)
    #: the visibility profile withholds this person's status from the viewer
    hidden: bool = False


@dataclass
class Column:
    qualification: Qualification
    level: int


@dataclass
class Row:
    user_id: int
    name: str
    department: str
    roles: list[str]
    cells: dict[int, Cell]


@dataclass
class Matrix(Paged):
    columns: list[Column]
    rows: list[Row]
    page: int
    per_page: int
    total: int
    #: all visible cells of all matching rows per status (not only this page's)
    counts: dict[str, int]


def _by_label(evidence: Evidence) -> str:
    # derived evidence names nobody: skip the relationship loaders (a third of a large
    # matrix's time went into them, bench/qualifications.py)
    if evidence.confirmed_by_id is None and evidence.created_by_id is None:
        return ""
    person = evidence.confirmed_by or evidence.created_by
    return person.name if person is not None else ""


def status_rule(today: date) -> Callable[[list[date | None], bool],
                                        tuple[CellStatus, date | None]]:
    """The one rule for a cell on ``today``: from the ``valid_until`` of the evidence that
    counts (``None`` means no expiry and beats every date) and whether the person is
    enrolled in a providing course, the status and its date.

    Used by ``evaluate`` (ORM rows) and by the matrix for every cell of a company; the
    thresholds are computed once per day asked about, not once per cell.
    """
    soon, later = today + timedelta(days=30), today + timedelta(days=90)

    def rule(valid_untils: list[date | None], in_progress: bool
             ) -> tuple[CellStatus, date | None]:
        if not valid_untils:
            return (CellStatus.IN_PROGRESS if in_progress else CellStatus.MISSING), None
        if None in valid_untils:
            return CellStatus.VALID, None
        best = max(valid_untils)
        if best < today:
            return CellStatus.EXPIRED, best
        if best <= soon:
            return CellStatus.EXPIRING_30, best
        if best <= later:
            return CellStatus.EXPIRING_90, best
        return CellStatus.VALID, best

    return rule


def _status_from(valid_untils: list[date | None], today: date, in_progress: bool
                 ) -> tuple[CellStatus, date | None]:
    """The status and its date from the ``valid_until`` of the evidence that counts."""
    return status_rule(today)(valid_untils, in_progress)


def _reasons(evidence, level: int, by: Callable[[Any], str], in_progress: bool,
             enrolled_slug: str | None) -> list[Reason]:
    """One cell's reasons: counting evidence best first, then evidence awaiting a named
    person, then the providing enrolment. ``evidence`` are ORM rows or result rows with
    the same attribute names; ``by`` names who confirmed or entered one."""
    counting = [e for e in evidence
                if e.level >= level and evidence_counts(e.kind, e.confirmed_at, e.revoked_at)]
    counting.sort(key=lambda e: (e.valid_until or date.max, e.issued_on), reverse=True)
    reasons = [Reason(kind=e.kind, issued_on=e.issued_on, valid_until=e.valid_until,
                      by=by(e), evidence_id=e.id, course_slug=e.course_slug,
                      note=e.note) for e in counting]
    reasons += [Reason(kind=e.kind, issued_on=e.issued_on, valid_until=e.valid_until,
                       by=by(e), evidence_id=e.id, note=e.note, counts=False)
                for e in evidence if e.revoked_at is None
                and e.kind in AWAITING_KINDS
                and e.confirmed_at is None and e.level >= level]
    if in_progress:
        reasons.append(Reason(kind="enrolment", issued_on=None, valid_until=None,
                              course_slug=enrolled_slug))
    return reasons


def evaluate(evidence: list[Evidence], level: int, today: date, in_progress: bool = False,
             enrolled_slug: str | None = None) -> tuple[CellStatus, date | None, list[Reason]]:
    """The status, the date it is valid until and the reasons, from one person's evidence.

    The best evidence wins: one without expiry, else the one valid longest. Without any
    valid evidence, expired evidence makes ``expired`` (an auditor must see it even while
    the renewal course runs), an enrolment in a providing course ``in_progress``, else
    ``missing``.
    """
    status, valid_until = _status_from(
        [e.valid_until for e in evidence if e.counts and e.level >= level], today, in_progress)
    return status, valid_until, _reasons(evidence, level, _by_label, in_progress,
                                         enrolled_slug)


def providing_slugs(qualification_ids: list[int]) -> dict[int, list[str]]:
    """The course slugs whose course, module or sessions provide each qualification."""
    slugs: dict[int, list[str]] = defaultdict(list)
    if not qualification_ids:
        return slugs
    for qualification_id, slug in db.session.execute(
        select(EvidenceRule.qualification_id, EvidenceRule.course_slug).where(
            EvidenceRule.qualification_id.in_(qualification_ids),
            EvidenceRule.course_slug.is_not(None)).order_by(EvidenceRule.id)
    ):
        if slug not in slugs[qualification_id]:
            slugs[qualification_id].append(slug)
    return slugs


def _open_enrolments(user_condition, slugs: set[str]) -> dict[int, set[str]]:
    """user id → slugs of active, not (yet) completed enrolments among ``slugs``."""
    found: dict[int, set[str]] = defaultdict(set)
    if not slugs:
        return found
    rows = db.session.execute(
        select(Enrolment.user_id, Course.slug)
        .join(Course, Course.id == Enrolment.course_id)
        .outerjoin(CourseProgress, and_(CourseProgress.user_id == Enrolment.user_id,
                                        CourseProgress.course_id == Enrolment.course_id))
        .where(user_condition, Enrolment.status == "active", Course.slug.in_(slugs),
               CourseProgress.completed_at.is_(None))
    )
    for user_id, slug in rows:
        found[user_id].add(slug)
    return found


def status_for(user_id: int, qualification_id: int, level: int, today: date) -> Cell:
    """The cell of one person and one qualification at ``level`` on ``today``."""
    return person_cells(user_id, {qualification_id: level}, today)[qualification_id]


def person_cells(user_id: int, needs: dict[int, int], today: date) -> dict[int, Cell]:
    """One person's cells, qualification id → cell at the level in ``needs``, with reasons.

    A person's page in three queries whatever the number of qualifications: their evidence,
    the courses that provide each qualification, their open enrolments.
    """
    if not needs:
        return {}
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for item in db.session.scalars(
            select(Evidence).where(Evidence.user_id == user_id,
                                   Evidence.qualification_id.in_(list(needs)))
            .order_by(Evidence.id)):
        evidence[item.qualification_id].append(item)
    slugs = providing_slugs(list(needs))
    open_slugs = _open_enrolments(
        Enrolment.user_id == user_id,
        {slug for found in slugs.values() for slug in found}).get(user_id, set())
    cells = {}
    for qualification_id, level in needs.items():
        enrolled = next((slug for slug in slugs.get(qualification_id, [])
                         if slug in open_slugs), None)
        status, valid_until, reasons = evaluate(evidence[qualification_id], level, today,
                                                enrolled is not None, enrolled)
        cells[qualification_id] = Cell(qualification_id, level, status, valid_until, reasons)
    return cells


@dataclass
class MatrixFilters:
    department_id: int | None = None
    role_id: int | None = None
    status: str | None = None
    qualification_id: int | None = None


def requirements_of(organisation: Organisation, user_ids: list[int] | None = None
                    ) -> tuple[dict[int, dict[int, int]], dict[int, tuple[str, ...]]]:
    """user id → {qualification id: highest level required}, and user id → role names.

    Only the company's own roles count; templates are held by nobody.
    """
    # the roles' requirements once, then who holds which role: a few thousand rows for a
    # large company instead of one per holder and requirement
    required: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for role_id, qualification_id, level in _plain_rows(
        select(RoleRequirement.role_id, RoleRequirement.qualification_id, RoleRequirement.level)
        .join(JobRole, JobRole.id == RoleRequirement.role_id)
        .where(JobRole.organisation_id == organisation.id)
    ):
        required[role_id].append((qualification_id, level))
    query = (
        select(RoleHolder.user_id, JobRole.id, JobRole.name)
        .join(JobRole, JobRole.id == RoleHolder.role_id)
        .where(JobRole.organisation_id == organisation.id)
        .order_by(RoleHolder.id)
    )
    if user_ids is not None:
        query = query.where(RoleHolder.user_id.in_(user_ids))
    needs: dict[int, dict[int, int]] = defaultdict(dict)
    names: dict[int, tuple[str, ...]] = {}  # tuples: see _counting_valid_untils
    for user_id, role_id, name in _plain_rows(query):
        held = names.get(user_id, ())
        if name not in held:
            names[user_id] = held + (name,)
        wanted = required.get(role_id)
        if not wanted:
            continue
        need = needs[user_id]
        for qualification_id, level in wanted:
            if level > need.get(qualification_id, 0):
                need[qualification_id] = level
    return needs, names


def _plain_rows(query):
    """Core result rows through the session's connection, after a flush (as
    ``session.execute`` would autoflush): for reads of many rows of plain columns, where
    an ORM-enabled ``select`` costs several times as much per row."""
    db.session.flush()
    return db.session.connection().execute(query)


#: up to this many people the matrix names them in its queries; more read the company's
#: members through a subquery (bound parameters stay few on every backend)
_LISTED_PEOPLE = 1_000


def _counting_valid_untils(user_ids: list[int] | None, organisation_id: int,
                           qualification_ids: list[int]
                           ) -> dict[tuple[int, int], tuple[tuple[int, date | None], ...]]:
    """(user id, qualification id) → ((level, valid_until), …) of the evidence that counts.

    Plain columns of every row the statuses need, nothing else: no ORM objects, no notes,
    no names (those are read for the shown page only, ``_page_evidence``). Read through
    the session's connection: an ORM-enabled ``select`` of columns costs several times as
    much per row (bench/qualifications.py). ``user_ids=None``: the company's members,
    joined (one index probe per member instead of one per member and qualification).
    """
    found: dict[tuple[int, int], tuple[tuple[int, date | None], ...]] = {}
    query = select(Evidence.user_id, Evidence.qualification_id, Evidence.level,
                   Evidence.valid_until).where(
        Evidence.qualification_id.in_(qualification_ids), counting_evidence_condition())
    if user_ids is None:
        query = query.join(Membership, Membership.user_id == Evidence.user_id).where(
            Membership.organisation_id == organisation_id)
    else:
        query = query.where(Evidence.user_id.in_(user_ids))
    # tuples, not lists: the collector untracks tuples of plain values, so a large
    # company's 15,000 entries never reach its oldest generation (full collections of the
    # whole heap every request or two otherwise, docs/performance.md)
    for user_id, qualification_id, level, valid_until in _plain_rows(query):
        key = (user_id, qualification_id)
        found[key] = found.get(key, ()) + ((level, valid_until),)
    return found


def _page_evidence(user_ids: list[int], qualification_ids: list[int]
                   ) -> dict[tuple[int, int], list]:
    """(user id, qualification id) → the evidence rows the reasons show, for a few people:
    the columns ``_reasons`` reads plus ``by``, the name of who confirmed or entered it."""
    found: dict[tuple[int, int], list] = defaultdict(list)
    if not user_ids or not qualification_ids:
        return found
    confirmer, creator = aliased(User), aliased(User)
    query = (
        select(Evidence.id, Evidence.user_id, Evidence.qualification_id, Evidence.level,
               Evidence.kind, Evidence.course_slug, Evidence.issued_on, Evidence.valid_until,
               Evidence.confirmed_at, Evidence.revoked_at, Evidence.note,
               func.coalesce(case((Evidence.confirmed_by_id.is_not(None), confirmer.name),
                                  else_=creator.name), "").label("by"))
        .outerjoin(confirmer, confirmer.id == Evidence.confirmed_by_id)
        .outerjoin(creator, creator.id == Evidence.created_by_id)
        .where(Evidence.qualification_id.in_(qualification_ids))
        .order_by(Evidence.id)
    )
    for start in range(0, len(user_ids), _LISTED_PEOPLE):  # exports: all rows, in batches
        batch = user_ids[start:start + _LISTED_PEOPLE]
        for item in _plain_rows(query.where(Evidence.user_id.in_(batch))):
            found[(item.user_id, item.qualification_id)].append(item)
    return found


def matrix(organisation: Organisation, today: date, filters: MatrixFilters | None = None, *,
           viewer_role: str | None = "manager", page: int = 1, per_page: int = PAGE_SIZE,
           language: str = "de") -> Matrix:
    """People holding roles × the qualifications their roles require, with status and reasons.

    Follows the company's visibility profile: where the viewer's role may not see a
    person's certificates, the person's cells are ``hidden`` (no status, no reasons) and
    do not count; an enrolment shows as ``in_progress`` only where enrolments are visible.
    ``viewer_role=None`` applies no profile (counts for aggregates only). The caller logs
    the view in the access log. ``per_page=0`` returns every row (exports). Columns are in
    the order of their titles in ``language``.

    The counts and the status filter need every matching row's statuses, so those come
    from plain columns of all rows; the reasons (evidence, issued, by whom) are read and
    built for the returned page only (bench/qualifications.py, docs/performance.md).
    """
    filters = filters or MatrixFilters()
    members = select(Membership.user_id, User.name, Department.name).join(
        User, User.id == Membership.user_id).outerjoin(
        Department, Department.id == Membership.department_id).where(
        Membership.organisation_id == organisation.id, User.anonymised_at.is_(None))
    if filters.department_id:
        members = members.where(Membership.department_id == filters.department_id)
    if filters.role_id:
        members = members.where(Membership.user_id.in_(
            select(RoleHolder.user_id).where(RoleHolder.role_id == filters.role_id)))
    people = {user_id: (name, department or "") for user_id, name, department
              in _plain_rows(members)}
    filtered = bool(filters.department_id or filters.role_id)
    needs, roles = requirements_of(
        organisation, list(people) if filtered and len(people) <= _LISTED_PEOPLE else None)
    needs = {user_id: need for user_id, need in needs.items() if user_id in people and need}
    if filters.qualification_id:
        needs = {user_id: {filters.qualification_id: need[filters.qualification_id]}
                 for user_id, need in needs.items() if filters.qualification_id in need}
    column_levels: dict[int, int] = {}
    for need in needs.values():
        for qualification_id, level in need.items():
            column_levels[qualification_id] = max(level, column_levels.get(qualification_id, 0))
    qualifications = {q.id: q for q in db.session.scalars(
        select(Qualification).where(Qualification.id.in_(list(column_levels))))}
    columns = sorted((Column(qualifications[qid], level) for qid, level in column_levels.items()
                      if qid in qualifications),
                     key=lambda c: c.qualification.title(language).casefold())

    user_ids = list(needs)
    listed = user_ids if len(user_ids) <= _LISTED_PEOPLE else None
    if listed is not None:
        enrolled_condition = Enrolment.user_id.in_(user_ids)
    else:
        enrolled_condition = Enrolment.user_id.in_(select(Membership.user_id).where(
            Membership.organisation_id == organisation.id))
    counting = _counting_valid_untils(listed, organisation.id, list(column_levels)
                                      ) if user_ids else {}
    slugs = providing_slugs(list(column_levels))
    all_slugs = {slug for values in slugs.values() for slug in values}
    enrolled = _open_enrolments(enrolled_condition, all_slugs) if user_ids else {}
    consented = consenting_user_ids(user_ids, organisation.id) if user_ids else set()
    if viewer_role is None:
        visible_with = visible_without = frozenset((STATUS_FIELD, PROGRESS_FIELD))
    else:
        visible_with = fields_visible(viewer_role, True, organisation)
        visible_without = fields_visible(viewer_role, False, organisation)

    # The one rule (``status_rule``) for every cell of every matching row (21,000 at a
    # large company), for the counts and the status filter. Only the matching people's
    # ids are kept: the page's cells are scored again below. Keeping every cell alive
    # until the end of the request sent tens of thousands of objects into the oldest
    # garbage-collector generation per request and made full collections frequent.
    rule = status_rule(today)
    no_evidence: tuple = ()

    def score(user_id: int) -> dict[int, tuple[CellStatus, date | None, str | None]] | None:
        """qualification id → (status, valid_until, enrolled slug); None where the
        profile hides the person's status."""
        visible = visible_with if user_id in consented else visible_without
        if STATUS_FIELD not in visible:
            return None
        open_slugs = enrolled.get(user_id) if PROGRESS_FIELD in visible else None
        statuses = {}
        for qualification_id, level in needs[user_id].items():
            slug = None
            if open_slugs:
                slug = next((s for s in slugs.get(qualification_id, ()) if s in open_slugs),
                            None)
            found = counting.get((user_id, qualification_id), no_evidence)
            status, valid_until = rule([until for have, until in found if have >= level],
                                       slug is not None)
            statuses[qualification_id] = (status, valid_until, slug)
        return statuses

    counts = {str(status): 0 for status in STATUSES}
    matching: list[int] = []
    for user_id in sorted(user_ids, key=lambda uid: (people[uid][0].casefold(), uid)):
        statuses = score(user_id)
        if statuses is None:  # hidden: counts nowhere, matches no status
            if not filters.status:
                matching.append(user_id)
            continue
        values = [value[0] for value in statuses.values()]
        if filters.status and filters.status not in values:
            continue
        for value in values:
            counts[value] += 1
        matching.append(user_id)
    total = len(matching)
    if per_page:
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        shown_ids = matching[(page - 1) * per_page: page * per_page]
    else:
        page, per_page, shown_ids = 1, max(total, 1), matching
    shown = [(user_id, score(user_id)) for user_id in shown_ids]

    evidence = _page_evidence([user_id for user_id, statuses in shown
                               if statuses is not None], list(column_levels))
    rows = []
    for user_id, statuses in shown:
        cells = {}
        for qualification_id, level in needs[user_id].items():
            value = None if statuses is None else statuses[qualification_id]
            if value is None:
                cells[qualification_id] = Cell(qualification_id, level, None, hidden=True)
                continue
            status, valid_until, slug = value
            reasons = _reasons(evidence.get((user_id, qualification_id), ()), level,
                               _row_by, slug is not None, slug)
            cells[qualification_id] = Cell(qualification_id, level, status, valid_until,
                                           reasons)
        name, department = people[user_id]
        rows.append(Row(user_id, name, department, list(roles.get(user_id, ())), cells))
    return Matrix(columns=columns, rows=rows, page=page, per_page=per_page, total=total,
                  counts=counts)


def _row_by(item) -> str:
    return item.by


@dataclass
class AggregateRow:
    qualification: Qualification
    people: int
    #: None when fewer than the minimum group size need it (no counts shown)
    counts: dict[str, int] | None


def aggregates(organisation: Organisation, today: date, minimum: int,
               department_id: int | None = None) -> list[AggregateRow]:
    """Per required qualification: how many people need it and how many are in each status.

    What the works council sees: counts, never names. Qualifications fewer than
    ``minimum`` people need show no counts, so nobody is singled out.
    """
    full = matrix(organisation, today, MatrixFilters(department_id=department_id),
                  viewer_role=None, per_page=0)
    result = []
    for column in full.columns:
        qid = column.qualification.id
        cells = [row.cells[qid] for row in full.rows if qid in row.cells]
        counts = {str(status): 0 for status in STATUSES}
        for cell in cells:
            if cell.status is not None:
                counts[str(cell.status)] += 1
        result.append(AggregateRow(column.qualification, len(cells),
                                   counts if len(cells) >= minimum else None))
    return result


def count_members_without_roles(organisation: Organisation) -> int:
    """Members of ``organisation`` who hold no role (they appear in no matrix row)."""
    return db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.organisation_id == organisation.id,
            ~Membership.user_id.in_(select(RoleHolder.user_id).join(
                JobRole, JobRole.id == RoleHolder.role_id).where(
                JobRole.organisation_id == organisation.id)))
    ) or 0
