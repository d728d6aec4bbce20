"""Where a member company sits and how big it is: the groups of the network's picture."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import case

#: Districts of the network (Südwestfalen), stored as written; "" = not classified.
REGIONS = (
    "Kreis Olpe",
    "Kreis Siegen-Wittgenstein",
    "Märkischer Kreis",
    "Hochsauerlandkreis",
    "Kreis Soest",
    "außerhalb Südwestfalens",
)

#: Size bands by headcount: code, lower bound (inclusive), label.
SIZE_BANDS = (
    ("lt50", 0, _l("unter 50 Beschäftigte")),
    ("50-249", 50, _l("50–249 Beschäftigte")),
    ("250-999", 250, _l("250–999 Beschäftigte")),
    ("ge1000", 1000, _l("1.000 und mehr Beschäftigte")),
)
UNKNOWN_BAND = "unknown"


def size_band(employee_count: int | None) -> str:
    """The band code for a headcount (``unknown`` when none is recorded)."""
    if employee_count is None:
        return UNKNOWN_BAND
    band = SIZE_BANDS[0][0]
    for code, lower, _label in SIZE_BANDS:
        if employee_count >= lower:
            band = code
    return band


def size_band_label(code: str) -> str:
    for band, _lower, label in SIZE_BANDS:
        if band == code:
            return str(label)
    return str(_l("Größe unbekannt"))


def size_band_sql(employee_count):
    """The same bands as :func:`size_band`, as a SQL expression to group by."""
    return case(
        (employee_count.is_(None), UNKNOWN_BAND),
        (employee_count >= 1000, "ge1000"),
        (employee_count >= 250, "250-999"),
        (employee_count >= 50, "50-249"),
        else_="lt50",
    )
