"""CSV export: UTF-8 with BOM, comma or semicolon (German Excel), formula-injection safe."""

import csv
import io
from collections.abc import Iterable, Iterator

from lms.companies.exports.cells import FORMULA_STARTS, local_date, neutralise
from lms.companies.exports.rows import COLUMNS, CompletionRow

BOM = "\ufeff"
DATE_FIELDS = ("enrolled_at", "due_at", "completed_at")
FORMULA_CHARS = frozenset(FORMULA_STARTS)
NUMBER_FIELDS = ("hours_self_paced", "hours_synchronous")
FLUSH_EVERY = 500


def _text(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in FORMULA_CHARS else text


def csv_chunks(rows: Iterable[CompletionRow], headings: list[str], *,
               semicolon: bool = False, status_labels: dict[str, str] | None = None
               ) -> Iterator[bytes]:
    """Yield the CSV file in chunks of a few hundred rows.

    With ``semicolon`` the file is what German Excel opens by double-click: ``;`` between
    fields and a decimal comma in numbers. Every text cell is neutralised against formulas.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(heading) for heading in headings])
    keys = [key for key, _label in COLUMNS]
    date_indexes = [keys.index(key) for key in DATE_FIELDS]
    number_indexes = [keys.index(key) for key in NUMBER_FIELDS]
    label_indexes = [keys.index("status"), keys.index("certificate_status")]
    text_indexes = [index for index, key in enumerate(keys)
                    if key not in DATE_FIELDS and key not in NUMBER_FIELDS]
    width = len(keys)
    labels = status_labels or {}
    for count, row in enumerate(rows, 1):
        cells = [""] * width
        for index in text_indexes:
            cells[index] = _text(row[index])
        for index in date_indexes:
            value = row[index]
            cells[index] = local_date(value).isoformat() if value is not None else ""
        for index in number_indexes:
            text = f"{row[index]:g}"
            cells[index] = text.replace(".", ",") if semicolon else text
        for index in label_indexes:
            cells[index] = labels.get(row[index], cells[index])
        writer.writerow(cells)
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
