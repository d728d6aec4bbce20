"""Paging the matrix: statuses come from every row, reasons only from the shown page.

The summary counts are computed over all matching rows while reasons are built for one
page; these tests make sure the two never drift apart.
"""

from collections import Counter
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.local_time import local_day
from lms.qualifications.status import CellStatus, MatrixFilters, matrix, status_for
from tests.factories import make_member
from tests.lms.qualifications.qualification_data import (
    give_evidence,
    hold,
    make_qualification,
    make_role,
)


@pytest.fixture
def crowd(company):
    """Eleven people over two roles, with evidence in every status and some awaiting one."""
    today = local_day(utcnow())
    forklift = make_qualification(company.organisation, key="stapler", title_de="Stapler")
    role = make_role(company.organisation, name="Lager", requires=[(forklift, 1),
                                                                    (company.hv, 1)])
    people = [make_member(company.organisation, name=f"Person {n:02d}") for n in range(9)]
    hold(role, *people, company.anna)
    untils = [None, today + timedelta(days=400), today + timedelta(days=60),
              today + timedelta(days=10), today - timedelta(days=3), today]
    for n, person in enumerate(people):
        if n < len(untils):
            give_evidence(person, company.hv, valid_until=untils[n])
        if n % 3 == 0:
            give_evidence(person, forklift, valid_until=untils[(n + 2) % len(untils)],
                          kind="on_the_job", confirmed_by_id=company.manager.id,
                          confirmed_at=utcnow())
        if n % 4 == 1:  # awaits a named person: shows as a reason, never counts
            give_evidence(person, forklift, valid_until=None, kind="external",
                          confirmed=False, created_by_id=company.manager.id)
    give_evidence(people[7], company.hv, valid_until=None, revoked_at=utcnow())
    return today, people


def _statuses(rows):
    return [(row.user_id, qid, cell.status, cell.valid_until)
            for row in rows for qid, cell in sorted(row.cells.items())]


@pytest.mark.parametrize("filters", [MatrixFilters(), MatrixFilters(status="missing"),
                                     MatrixFilters(status="expiring_30")])
def test_counts_equal_the_statuses_of_all_pages_together(company, crowd, filters):
    today, _people = crowd
    everything = matrix(company.organisation, today, filters, per_page=0)
    assert everything.total == len(everything.rows) > 1
    for per_page in (1, 2, 3, 5):
        first = matrix(company.organisation, today, filters, per_page=per_page)
        pages = -(-first.total // per_page)
        rows = [row for number in range(1, pages + 1) for row in matrix(
            company.organisation, today, filters, page=number, per_page=per_page).rows]
        assert first.total == everything.total == len(rows)
        assert _statuses(rows) == _statuses(everything.rows)
        tally = Counter(str(cell.status) for row in rows for cell in row.cells.values())
        assert {status: count for status, count in first.counts.items() if count} == \
            dict(tally)
    if filters.status:
        assert all(any(cell.status == filters.status for cell in row.cells.values())
                   for row in everything.rows)


def test_every_status_occurs_and_page_reasons_match_the_single_cell(company, crowd):
    today, people = crowd
    seen = Counter()
    for number in (1, 2, 3, 4):
        for row in matrix(company.organisation, today, page=number, per_page=3).rows:
            for qid, cell in row.cells.items():
                seen[cell.status] += 1
                single = status_for(row.user_id, qid, cell.level, today)
                assert (cell.status, cell.valid_until) == (single.status, single.valid_until)
                assert cell.reasons == single.reasons
    assert {CellStatus.VALID, CellStatus.EXPIRING_90, CellStatus.EXPIRING_30,
            CellStatus.EXPIRED, CellStatus.MISSING} <= set(seen)
    waiting = [reason for row in matrix(company.organisation, today, per_page=0).rows
               for cell in row.cells.values() for reason in cell.reasons if not reason.counts]
    assert waiting and all(reason.by == "Mia Managerin" for reason in waiting)
