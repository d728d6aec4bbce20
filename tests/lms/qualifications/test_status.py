"""The status of one cell on a given day: the expiry edges, confirmation, levels."""

from datetime import date, timedelta

import pytest

from lms.qualifications.models import Evidence
from lms.qualifications.status import CellStatus, evaluate

TODAY = date(2026, 12, 7)


def evidence(valid_until, *, kind="course", level=1, confirmed=True, revoked=False):
    return Evidence(kind=kind, level=level, issued_on=TODAY - timedelta(days=300),
                    valid_until=valid_until, confirmed_at=TODAY if confirmed else None,
                    revoked_at=TODAY if revoked else None, note="")


@pytest.mark.parametrize(("days", "expected"), [
    (None, CellStatus.VALID),
    (91, CellStatus.VALID),
    (90, CellStatus.EXPIRING_90),
    (31, CellStatus.EXPIRING_90),
    (30, CellStatus.EXPIRING_30),
    (0, CellStatus.EXPIRING_30),  # the last day it counts
    (-1, CellStatus.EXPIRED),
])
def test_expiry_edges(days, expected):
    until = None if days is None else TODAY + timedelta(days=days)
    status, valid_until, reasons = evaluate([evidence(until)], 1, TODAY)
    assert status == expected
    assert valid_until == until
    assert reasons[0].kind == "course"


def test_the_longest_valid_evidence_wins():
    status, until, _ = evaluate([evidence(TODAY - timedelta(days=5)),
                                 evidence(TODAY + timedelta(days=200))], 1, TODAY)
    assert (status, until) == (CellStatus.VALID, TODAY + timedelta(days=200))


def test_unconfirmed_external_certificate_does_not_count():
    status, _, reasons = evaluate([evidence(None, kind="external", confirmed=False)], 1, TODAY)
    assert status == CellStatus.MISSING
    assert [r.counts for r in reasons] == [False]


def test_revoked_and_lower_level_evidence_do_not_count():
    status, _, _ = evaluate([evidence(None, revoked=True), evidence(None, level=1)], 2, TODAY)
    assert status == CellStatus.MISSING


def test_enrolment_makes_in_progress_but_never_hides_expiry():
    assert evaluate([], 1, TODAY, True, "e-mobility")[0] == CellStatus.IN_PROGRESS
    expired = evidence(TODAY - timedelta(days=1))
    assert evaluate([expired], 1, TODAY, True, "e-mobility")[0] == CellStatus.EXPIRED
