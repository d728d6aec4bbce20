"""Numbers, hours, dates and counts in the user's language, the Babel way."""

from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from lms.formatting import format_hours, format_iso_date, format_number


@pytest.mark.parametrize("language,value,expected", [
    ("de", 10.0, "10 Std."), ("de", 1.25, "1,2 Std."), ("de", 18, "18 Std."),
    ("en", 10.0, "10 h"), ("en", 1.5, "1.5 h"),
])
def test_hours_never_read_10_point_0(app, language, value, expected):
    with app.test_request_context(), force_locale(language):
        assert format_hours(value) == expected


def test_numbers_and_iso_dates_in_the_users_language(app):
    with app.test_request_context():
        with force_locale("de"):
            assert format_number(1234.5) == "1.234,5"
            assert format_iso_date("2026-12-21") == "21.12.2026"
            # 23:30 UTC on 31 December is already the 1st in Berlin
            assert format_iso_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027"
            assert format_iso_date(date(2027, 12, 7), "short") == "07.12.27"
            assert format_iso_date(None) == "–"
        with force_locale("en"):
            # English for readers in Europe: day before month, 24-hour clock
            assert format_iso_date("2026-12-21") == "21 Dec 2026"
            assert format_iso_date(date(2026, 11, 3), "short") == "03/11/2026"


def test_date_filters_write_english_day_first_in_berlin_time(app):
    moment = datetime(2026, 11, 3, 13, 30, tzinfo=UTC)  # 14:30 in Berlin
    template = ("{{ m|dateformat('short') }} {{ m|datetimeformat('short') }} "
                "{{ m|timeformat('short') }}")
    with app.test_request_context():
        with force_locale("en"):
            expected = "03/11/2026 03/11/2026, 14:30 14:30"
            assert render_template_string(template, m=moment) == expected
        with force_locale("de"):
            assert render_template_string(template, m=moment) == "03.11.26 03.11.26, 14:30 14:30"


@pytest.mark.parametrize("count,expected", [(1, "1 Zertifikat"), (2, "2 Zertifikate")])
def test_counts_use_plural_forms(app, count, expected):
    template = '{{ ngettext("%(num)d Zertifikat", "%(num)d Zertifikate", n) }}'
    with app.test_request_context(), force_locale("de"):
        assert render_template_string(template, n=count) == expected
