"""CSV export: UTF-8 with BOM, comma or semicolon (German Excel), formula-injection safe."""

import csv
import io
from collections.abc import Iterable, Iterator

from lms.companies.exports.cells import FORMULA_STARTS, LocalDays, neutralise
from lms.companies.exports.rows import COLUMNS, CompletionRow

BOM = "\ufeff"
FORMULA_CHARS = frozenset(FORMULA_STARTS)
FLUSH_EVERY = 500

# The loop below unpacks rows positionally, in this order.
assert tuple(key for key, _label in COLUMNS) == CompletionRow._fields[:len(COLUMNS)]


def _text(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in FORMULA_CHARS else text


def csv_chunks(rows: Iterable[CompletionRow], headings: list[str], *,
               semicolon: bool = False, status_labels: dict[str, str] | None = None
               ) -> Iterator[bytes]:
    """Yield the CSV file in chunks of a few hundred rows.

    With ``semicolon`` the file is what German Excel opens by double-click: ``;`` between
    fields and a decimal comma in numbers. Every text cell is neutralised against formulas.
    This runs once per exported row, so cells are built inline, and dates and hours, which
    repeat a lot, are formatted once per value.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    write = writer.writerow
    buffer.write(BOM)
    write([neutralise(heading) for heading in headings])
    labels = status_labels or {}
    day = LocalDays().text
    hours: dict[float, str] = {}
    formula = FORMULA_CHARS
    count = 0
    for (name, email, personnel_number, department, course, status, enrolled_at, due_on,
         completed_at, self_paced, synchronous, number, certificate_state, *_ids) in rows:
        self_paced_text = hours.get(self_paced)
        if self_paced_text is None:
            self_paced_text = hours[self_paced] = _number(self_paced, semicolon)
        synchronous_text = hours.get(synchronous)
        if synchronous_text is None:
            synchronous_text = hours[synchronous] = _number(synchronous, semicolon)
        write((
            "'" + name if name[:1] in formula else name,
            "'" + email if email[:1] in formula else email,
            "'" + personnel_number if personnel_number[:1] in formula else personnel_number,
            "'" + department if department[:1] in formula else department,
            "'" + course if course[:1] in formula else course,
            labels[status] if status in labels else _text(status),
            day(enrolled_at), due_on.isoformat() if due_on else "", day(completed_at),
            self_paced_text, synchronous_text,
            "'" + number if number[:1] in formula else number,
            labels[certificate_state] if certificate_state in labels
            else _text(certificate_state),
        ))
        count += 1
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _number(value: float, semicolon: bool) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if semicolon else text
