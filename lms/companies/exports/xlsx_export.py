"""XLSX export with openpyxl's write-only workbook, written to a temp file and streamed."""

import os
import tempfile
from collections.abc import Iterable, Iterator

from lms.companies.exports.cells import FORMULA_STARTS, LocalDays, neutralise
from lms.companies.exports.rows import COLUMNS, CompletionRow

CHUNK = 64 * 1024
FORMULA_CHARS = frozenset(FORMULA_STARTS)

# The loop below unpacks rows positionally, in this order.
assert tuple(key for key, _label in COLUMNS) == CompletionRow._fields[:len(COLUMNS)]


def write_xlsx(rows: Iterable[CompletionRow], headings: list[str], path: str, *,
               status_labels: dict[str, str] | None = None, title: str = "Abschlüsse") -> int:
    """Write ``rows`` to an XLSX file at ``path``; return the number of data rows.

    Write-only mode keeps one row in memory at a time; dates become real date cells,
    text cells are neutralised against formulas. openpyxl's own cell writing is most of
    the time; the cells are built inline so that the rest stays small.
    """
    # openpyxl (≈ 20 MB) is loaded on the first XLSX export, not by every app process.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    header = []
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    append = sheet.append
    labels = status_labels or {}
    day = LocalDays().date
    formula = FORMULA_CHARS
    count = 0
    for (name, email, personnel_number, department, course, status, enrolled_at, due_on,
         completed_at, self_paced, synchronous, number, certificate_state, *_ids) in rows:
        append((
            "'" + name if name[:1] in formula else name,
            "'" + email if email[:1] in formula else email,
            "'" + personnel_number if personnel_number[:1] in formula else personnel_number,
            "'" + department if department[:1] in formula else department,
            "'" + course if course[:1] in formula else course,
            labels.get(status) or neutralise(status),
            day(enrolled_at), due_on, day(completed_at),
            self_paced, synchronous,
            "'" + number if number[:1] in formula else number,
            labels.get(certificate_state) or neutralise(certificate_state),
        ))
        count += 1
    workbook.save(path)
    return count


def temp_path() -> str:
    handle, path = tempfile.mkstemp(prefix="atlas-export-", suffix=".xlsx")
    os.close(handle)
    return path


def stream_file(path: str) -> Iterator[bytes]:
    """Yield the file's bytes in chunks and delete it afterwards (also if the client leaves)."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
