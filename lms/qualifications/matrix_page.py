"""What the matrix page shows in each cell, prepared in Python for a page of 100 rows.

A macro call, a few ``gettext`` look-ups, Babel date formats and a ``url_for`` per cell made
the page's template cost ≈ 240 ms for 100 rows × 40 columns (bench/qualifications.py);
here every label is translated once per page, each date formatted once and the gap links
built from one base address, so the template only prints.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from flask import url_for
from flask_babel import lazy_gettext as _l

from lms.formatting import format_date
from lms.qualifications.exports import KIND_LABELS
from lms.qualifications.status import CellStatus, Matrix, Reason

#: statuses whose cell links to closing the gap
GAP_STATUSES = frozenset((CellStatus.MISSING, CellStatus.EXPIRED, CellStatus.EXPIRING_30))


@dataclass(slots=True)
class CellView:
    key: str
    #: "none" (not required), "hidden" (the profile withholds it) or "shown"
    state: str
    status: str = ""
    label: str = ""
    until: str = ""
    reasons: list[str] = field(default_factory=list)
    gap_url: str = ""


@dataclass(slots=True)
class RowView:
    user_id: int
    name: str
    department: str
    roles: str
    person_url: str
    cells: list[CellView]


class _Texts:
    """Labels translated once per page, dates formatted once per distinct day."""

    def __init__(self, status_labels: dict) -> None:
        self.status = {key: str(value) for key, value in status_labels.items()}
        self.kind = {key: str(value) for key, value in KIND_LABELS.items()}
        self.issued = str(_l("ausgestellt"))
        self.valid_until = str(_l("gültig bis"))
        self.confirmed_by = str(_l("bestätigt von"))
        self.awaiting = str(_l("wartet auf Bestätigung"))
        self._days: dict[date, str] = {}

    def day(self, value: date) -> str:
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = format_date(value, "short")
        return text

    def reason(self, reason: Reason) -> str:
        text = self.kind.get(reason.kind, reason.kind)
        if reason.course_slug:
            text += f" ({reason.course_slug})"
        if reason.issued_on:
            text += f", {self.issued} {self.day(reason.issued_on)}"
        if reason.valid_until:
            text += f", {self.valid_until} {self.day(reason.valid_until)}"
        if reason.by:
            text += f", {self.confirmed_by} {reason.by}"
        if not reason.counts:
            text += f" – {self.awaiting}"
        return text


def page_rows(matrix: Matrix, status_labels: dict) -> list[RowView]:
    """The rows of one matrix page as the template prints them, cells in column order."""
    texts = _Texts(status_labels)
    gap_base = url_for("qualifications.close_gap")
    person_base = url_for("qualifications.show_person", user_id=0)[:-1]
    none = {column.qualification.key: CellView(column.qualification.key, "none")
            for column in matrix.columns}
    result = []
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            qualification = column.qualification
            cell = row.cells.get(qualification.id)
            if cell is None:
                cells.append(none[qualification.key])
            elif cell.hidden or cell.status is None:
                cells.append(CellView(qualification.key, "hidden"))
            else:
                gap_url = ""
                if cell.status in GAP_STATUSES:
                    gap_url = gap_base + "?" + urlencode(
                        {"qualification_id": qualification.id, "user_id": row.user_id})
                cells.append(CellView(
                    qualification.key, "shown", str(cell.status),
                    texts.status[str(cell.status)],
                    texts.day(cell.valid_until) if cell.valid_until else "",
                    [texts.reason(reason) for reason in cell.reasons], gap_url))
        result.append(RowView(row.user_id, row.name, row.department, ", ".join(row.roles),
                              f"{person_base}{row.user_id}", cells))
    return result
