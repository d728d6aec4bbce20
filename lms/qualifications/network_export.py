"""The network picture as CSV (semicolons, for German Excel) and XLSX: small, built in memory."""

import csv
import io
from datetime import date

from flask_babel import gettext as _

from lms.companies.exports.cells import neutralise
from lms.qualifications.network import NetworkPicture


def headings() -> list[str]:
    return [_("Qualifikation"), _("Kennung"), _("Gruppe"), _("Personen"), _("Unternehmen"),
            _("Gefordert"), _("Gültig"), _("Läuft ab in 30 Tagen"), _("Läuft ab in 90 Tagen"),
            _("Abgelaufen"), _("Fehlt"), _("Anteil fehlend oder abgelaufen (%)")]


def table(picture: NetworkPicture, group_label, title_of) -> list[list]:
    """Rows of cells, then a closing row that counts the withheld groups."""
    rows = []
    for row in picture.rows:
        rows.append([
            neutralise(title_of(row)), neutralise(row.key), neutralise(group_label(row.group)),
            row.people, row.companies, row.required, row.valid, row.expiring_30,
            row.expiring_90, row.expired, row.missing, round(row.missing_share * 100, 1),
        ])
    rows.append([_("Zurückgehaltene Gruppen (weniger als 5 Personen oder 3 Unternehmen)"), "",
                 "", "", "", "", "", "", "", "", "", picture.withheld])
    return rows


def csv_bytes(picture: NetworkPicture, group_label, title_of, today: date) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Netzwerkbild der Qualifikationen, Stand %(day)s",
                       day=today.isoformat())])
    writer.writerow(headings())
    for cells in table(picture, group_label, title_of):
        writer.writerow([str(cell).replace(".", ",") if isinstance(cell, float) else cell
                         for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def xlsx_bytes(picture: NetworkPicture, group_label, title_of, today: date) -> bytes:
    from openpyxl import Workbook  # loaded on the first export only (≈ 20 MB)
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Netzwerkbild")[:31]
    sheet.append([_("Netzwerkbild der Qualifikationen, Stand %(day)s", day=today.isoformat())])
    sheet.append(headings())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for cells in table(picture, group_label, title_of):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
