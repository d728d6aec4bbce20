"""The matrix as XLSX (openpyxl write-only) and as an audit PDF (WeasyPrint).

Both take a matrix already filtered by the visibility profile; the view logs the export.
"""

import io
import warnings
from datetime import date, datetime

from flask import render_template
from flask_babel import lazy_gettext as _l

from lms.certificates.pdf import inline_only_fetcher, weasyprint_resources
from lms.companies.exports.cells import neutralise
from lms.formatting import format_date
from lms.qualifications.status import STATUSES, Matrix

STATUS_LABELS = {
    "valid": _l("gültig"),
    "expiring_90": _l("läuft in 90 Tagen ab"),
    "expiring_30": _l("läuft in 30 Tagen ab"),
    "in_progress": _l("in Qualifizierung"),
    "expired": _l("abgelaufen"),
    "missing": _l("fehlt"),
}
HIDDEN_LABEL = _l("nicht sichtbar")
#: what kind of evidence a reason names
KIND_LABELS = {
    "course": _l("ATLAS-Zertifikat"),
    "module": _l("ATLAS-Modul abgeschlossen"),
    "session": _l("Präsenztermin besucht"),
    "external": _l("externes Zertifikat"),
    "on_the_job": _l("Bestätigung am Arbeitsplatz"),
    "enrolment": _l("im Kurs eingeschrieben"),
}


def cell_text(cell, language: str = "de") -> str:
    if cell is None:
        return ""
    if cell.hidden or cell.status is None:
        return str(HIDDEN_LABEL)
    text = str(STATUS_LABELS[str(cell.status)])
    if cell.valid_until is not None:
        text += f" ({format_date(cell.valid_until, 'medium')})"
    return text


def write_xlsx(matrix: Matrix, language: str = "de") -> bytes:
    """One row per person, one column per qualification: status and date valid until."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Qualifikationsmatrix")
    header = []
    headings = [str(_l("Name")), str(_l("Abteilung")), str(_l("Rollen"))]
    for column in matrix.columns:
        headings.append(f"{column.qualification.title(language)} – {str(_l('Status'))}")
        headings.append(f"{column.qualification.title(language)} – {str(_l('gültig bis'))}")
    for heading in headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in matrix.rows:
        values: list = [neutralise(row.name), neutralise(row.department),
                        neutralise(", ".join(row.roles))]
        for column in matrix.columns:
            cell = row.cells.get(column.qualification.id)
            if cell is None:
                values += ["", None]
            elif cell.hidden:
                values += [str(HIDDEN_LABEL), None]
            else:
                values += [str(STATUS_LABELS[str(cell.status)]), cell.valid_until]
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_audit_pdf(matrix: Matrix, *, organisation_name: str, today: date, now: datetime,
                     scope: str, filters: list[tuple[str, str]], actor_name: str,
                     language: str = "de") -> bytes:
    """The matrix for an audit: date, scope, filters, legend, every cell, signature lines."""
    from weasyprint import HTML

    document = render_template(
        "qualifications/audit.html", matrix=matrix, organisation_name=organisation_name,
        today=today, now=now, scope=scope, filters=filters, actor_name=actor_name,
        statuses=STATUSES, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS,
        cell_text=cell_text, lang=language)
    html = HTML(string=document, url_fetcher=inline_only_fetcher(), base_url="data:,")
    font_config, _ = weasyprint_resources()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*sRGB2014\.icc", category=ResourceWarning)
        return html.write_pdf(font_config=font_config)
