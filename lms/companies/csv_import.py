"""Inviting many people at once from a CSV file, with a report before anything is written.

The file (name, email, department or cost centre, optional personnel number) may use
``;``, ``,`` or tabs and be UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), or
Windows-1252 as older Excel writes it; anything else is refused with a message saying so.
``check_csv`` only reads; ``import_csv`` checks again and writes every invitation in the
caller's transaction, or none.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import Invitation, Membership, Organisation, User
from lms.accounts.services import invite_person, normalise_email
from lms.errors import ValidationFailedError
from lms.extensions import db

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024

#: accepted header names (casefolded, spaces and dashes removed) → column
HEADERS = {
    "name": "name", "vollername": "name", "nachnamevorname": "name",
    "email": "email", "e_mail": "email", "emailadresse": "email", "mail": "email",
    "department": "department", "abteilung": "department", "costcentre": "department",
    "costcenter": "department", "kostenstelle": "department",
    "departmentorcostcentre": "department",
    "personnelnumber": "personnel_number", "personnel_number": "personnel_number",
    "personalnummer": "personnel_number", "personalnr": "personnel_number",
    "employeeid": "personnel_number",
}
COLUMN_LABELS = {
    "name": _l("Name"),
    "email": _l("E-Mail"),
    "department": _l("Abteilung/Kostenstelle"),
    "personnel_number": _l("Personalnummer"),
    "file": _l("Datei"),
}


@dataclass
class Problem:
    row: int  #: line in the file, the header being line 1; 0 for the file as a whole
    column: str
    message: str

    @property
    def column_label(self) -> str:
        return str(COLUMN_LABELS.get(self.column, self.column))


@dataclass
class CsvRow:
    row: int
    name: str
    email: str
    department_id: int | None
    department_name: str
    personnel_number: str


@dataclass
class CsvReport:
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    delimiter: str = ";"
    encoding: str = "utf-8"

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)


class UnsupportedEncodingError(ValueError):
    """The file is no text in an encoding the import reads; the message says what to do."""


#: Byte order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM: most ASCII characters leave a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > half * 0.6 and even <= odd // 20:
        return "utf-16-le"
    if even > half * 0.6 and odd <= even // 20:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding name.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM, as Excel's "Unicode text"
    writes them; UTF-16 also without), else Windows-1252 as older Excel writes it, and
    ISO 8859-1 for the five bytes Windows-1252 leaves undefined.

    :raises UnsupportedEncodingError: an Excel workbook or other binary file, or text that
        does not decode in the encoding its BOM names.
    """
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedEncodingError(_(
            "Das ist eine Excel-Arbeitsmappe, keine CSV-Datei. Bitte speichern Sie sie in "
            "Excel unter „CSV UTF-8 (durch Trennzeichen getrennt)“."))
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is not None:
        bom = next((bom for bom, name in _BOMS if name == encoding and data.startswith(bom)), b"")
        try:
            return data[len(bom):].decode(encoding.removesuffix("-sig")), encoding
        except UnicodeDecodeError:
            raise UnsupportedEncodingError(_(
                "Die Datei ist nicht gültig in %(encoding)s kodiert. Bitte speichern Sie sie "
                "als „CSV UTF-8“.", encoding=encoding.upper())) from None
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise UnsupportedEncodingError(_(
            "Die Datei ist keine Textdatei in einer unterstützten Kodierung (UTF-8, UTF-16, "
            "Windows-1252). Bitte speichern Sie sie als „CSV UTF-8“."))
    return text, encoding


def detect_delimiter(text: str) -> str:
    """``;``, ``,`` or a tab: whichever the header line has most of.

    German Excel writes ``;``; its "Unicode text" export (UTF-16) separates with tabs.
    """
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # ties: the order above
    return best if counts[best] else ","


def _header_key(name: str) -> str:
    return "".join(ch for ch in name.strip().casefold() if ch not in " -./")


def check_csv(organisation: Organisation, data: bytes, now: datetime) -> CsvReport:
    """Parse and check ``data`` against ``organisation``; write nothing.

    Every problem names its row (the header is row 1) and column.
    """
    report = CsvReport()
    if len(data) > MAX_BYTES:
        report.problems.append(Problem(0, "file", _("Die Datei ist größer als 2 MB.")))
        return report
    try:
        text, report.encoding = decode(data)
    except UnsupportedEncodingError as error:
        report.problems.append(Problem(0, "file", str(error)))
        return report
    if not text.strip():
        report.problems.append(Problem(0, "file", _("Die Datei ist leer.")))
        return report
    report.delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=report.delimiter)
    try:
        header = next(reader)
    except csv.Error:
        report.problems.append(Problem(1, "file", _("Die Datei ist keine lesbare CSV-Datei.")))
        return report
    columns = [HEADERS.get(_header_key(name)) for name in header]
    for required in ("name", "email"):
        if required not in columns:
            report.problems.append(Problem(
                1, required,
                _("Die Spalte „%(column)s“ fehlt in der Kopfzeile.",
                  column=COLUMN_LABELS[required]),
            ))
    if report.problems:
        return report

    departments = {}
    for department in organisation.departments:
        departments[department.name.casefold()] = department
        if department.cost_centre:
            departments[department.cost_centre.casefold()] = department
    raw_rows = []
    try:
        for line_no, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(raw_rows) >= MAX_ROWS:
                report.problems.append(Problem(
                    line_no, "file",
                    _("Mehr als %(max)s Zeilen: bitte teilen Sie die Datei auf.", max=MAX_ROWS),
                ))
                return report
            record = {"name": "", "email": "", "department": "", "personnel_number": ""}
            for column, value in zip(columns, values, strict=False):
                if column:
                    record[column] = value.strip()
            raw_rows.append((line_no, record))
    except csv.Error as error:
        report.problems.append(Problem(0, "file", _("Die CSV-Datei ist fehlerhaft: %(error)s",
                                                    error=str(error))))
        return report
    if not raw_rows:
        report.problems.append(Problem(0, "file", _("Die Datei enthält keine Personen.")))
        return report

    emails = {}
    for line_no, record in raw_rows:
        try:
            emails[line_no] = normalise_email(record["email"]) if record["email"] else ""
        except ValidationFailedError:
            emails[line_no] = None
    known = _known_addresses(organisation, {e for e in emails.values() if e}, now)

    seen: dict[str, int] = {}
    for line_no, record in raw_rows:
        email = emails[line_no]
        problems_before = len(report.problems)
        if not record["name"]:
            report.problems.append(Problem(line_no, "name", _("Der Name fehlt.")))
        elif len(record["name"]) > 200:
            report.problems.append(Problem(line_no, "name", _("Der Name ist zu lang.")))
        if email == "":
            report.problems.append(Problem(line_no, "email", _("Die E-Mail-Adresse fehlt.")))
        elif email is None:
            report.problems.append(Problem(
                line_no, "email",
                _("„%(value)s“ ist keine gültige E-Mail-Adresse.", value=record["email"]),
            ))
        elif email in seen:
            report.problems.append(Problem(
                line_no, "email",
                _("%(email)s steht schon in Zeile %(row)s.", email=email, row=seen[email]),
            ))
        else:
            seen[email] = line_no
            state = known.get(email)
            if state == "member":
                report.problems.append(Problem(
                    line_no, "email", _("%(email)s ist bereits Mitglied.", email=email)))
            elif state == "other_organisation":
                report.problems.append(Problem(
                    line_no, "email",
                    _("%(email)s gehört bereits zu einer anderen Organisation.", email=email),
                ))
            elif state == "invited":
                report.problems.append(Problem(
                    line_no, "email",
                    _("%(email)s ist bereits eingeladen.", email=email)))
        department = None
        if record["department"]:
            department = departments.get(record["department"].casefold())
            if department is None:
                report.problems.append(Problem(
                    line_no, "department",
                    _("Unbekannte Abteilung oder Kostenstelle „%(value)s“.",
                      value=record["department"]),
                ))
        if len(record["personnel_number"]) > 50:
            report.problems.append(Problem(
                line_no, "personnel_number", _("Die Personalnummer ist zu lang.")))
        if len(report.problems) == problems_before:
            report.rows.append(CsvRow(
                row=line_no, name=record["name"], email=email,
                department_id=department.id if department else None,
                department_name=department.name if department else "",
                personnel_number=record["personnel_number"],
            ))
    return report


def _known_addresses(organisation: Organisation, emails: set[str], now: datetime) -> dict:
    """For the addresses in ``emails``: member, other_organisation or invited (two queries)."""
    if not emails:
        return {}
    state = {}
    lowered = [e.lower() for e in emails]
    for email, org_id in db.session.execute(
        select(func.lower(User.email), Membership.organisation_id)
        .join(Membership, Membership.user_id == User.id)
        .where(func.lower(User.email).in_(lowered))
    ):
        state[email] = "member" if org_id == organisation.id else "other_organisation"
    for (email,) in db.session.execute(
        select(Invitation.email).where(
            Invitation.organisation_id == organisation.id,
            Invitation.email.in_(lowered),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    ):
        state.setdefault(email, "invited")
    return state


def import_csv(actor: User, organisation: Organisation, data: bytes, now: datetime
               ) -> CsvReport:
    """Check ``data`` again and invite every row (flush only; the caller commits once).

    :raises ValidationFailedError: the file has problems; nothing was written.
    """
    report = check_csv(organisation, data, now)
    if not report.is_valid:
        raise ValidationFailedError(
            _("Die Datei enthält Fehler; es wurde niemand eingeladen.")
        )
    for row in report.rows:
        invite_person(
            actor, organisation, email=row.email, name=row.name, role="employee",
            department_id=row.department_id, personnel_number=row.personnel_number, now=now,
        )
    return report
