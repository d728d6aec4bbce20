"""Due dates are Berlin calendar days: chosen 21.12., shown 21.12., overdue from 22.12. 00:00.

The old code stored 23:59:59 UTC of the chosen day, which is 00:59 (or 01:59 in summer)
of the next day in Berlin: the page showed 22.12. and the status stayed "open" until
01:00 the next morning.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lms.companies.assignments import assign_course, assignment_statuses
from lms.companies.exports.json_export import due_moment
from lms.companies.exports.rows import CompletionFilter, completion_rows
from lms.companies.reminders import run_reminders
from lms.db import utcnow
from lms.learning.dashboard import learner_dashboard
from lms.local_time import LOCAL_ZONE, end_of_day, local_day
from tests.conftest import csrf_token_from


def berlin(day: date, hour: int, minute: int) -> datetime:
    """A Berlin wall-clock time as the aware UTC instant services take."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_ZONE).astimezone(UTC)


# the ordinary case, the night summer time starts, the night it ends
DAYS = [date(2026, 12, 21), date(2026, 3, 29), date(2026, 10, 25)]


@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.isoformat())
def test_due_today_at_2330_berlin_and_overdue_after_midnight(app, company, course, day):
    person = company.employees[0]
    assign_course(company.manager, company.organisation, course,
                  now=berlin(day - timedelta(days=3), 10, 0), user_ids=[person.id],
                  due_on=day)

    def status(moment):
        [row] = assignment_statuses(company.organisation, moment)
        [exported] = completion_rows(company.organisation, CompletionFilter(), moment)
        [card] = learner_dashboard(person, "de", moment).assigned
        assert {row.status, exported.status} == {"overdue" if card.is_overdue
                                                 else "not_started"}
        return row.status

    late_evening = berlin(day, 23, 30)
    assert late_evening.astimezone(UTC).date() == day  # still the same day in UTC too …
    assert status(late_evening) == "not_started"
    after_midnight = berlin(day + timedelta(days=1), 0, 30)
    assert after_midnight.astimezone(UTC).date() == day  # … and this one as well
    assert status(after_midnight) == "overdue"


@pytest.mark.parametrize("day", DAYS, ids=lambda d: d.isoformat())
def test_a_due_date_of_today_is_accepted_at_2330_and_yesterday_refused(app, company, course,
                                                                       day):
    from lms.errors import ValidationFailedError

    late_evening = berlin(day, 23, 30)
    [created] = assign_course(company.manager, company.organisation, course, now=late_evening,
                              user_ids=[company.employees[0].id], due_on=day)
    assert created.due_on == day
    with pytest.raises(ValidationFailedError, match="Vergangenheit"):
        assign_course(company.manager, company.organisation, course,
                      now=berlin(day + timedelta(days=1), 0, 30),
                      user_ids=[company.employees[1].id], due_on=day)


def test_chosen_day_is_shown_as_chosen(client, auth, company, course):
    day = local_day(utcnow()) + timedelta(days=14)
    auth.login(company.manager.email)
    page = client.get("/company/assignments").get_data(as_text=True)
    response = client.post("/company/assignments", data={
        "csrf_token": csrf_token_from(page), "course_id": course.id,
        "user_ids": [company.employees[0].id], "due_date": day.isoformat(),
        "has_reminders": "y"})
    assert response.status_code == 302
    html = client.get("/company/assignments").get_data(as_text=True)
    shown, next_day = day.strftime("%d.%m.%y"), (day + timedelta(days=1)).strftime("%d.%m.%y")
    assert shown in html and next_day not in html  # Babel's short German date
    assert "(UTC)" not in html


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 12, 21), "2026-12-21T22:59:59Z"),
    (date(2026, 3, 29), "2026-03-29T21:59:59Z"),   # summer time began that night
    (date(2026, 10, 25), "2026-10-25T22:59:59Z"),  # and ended that night
])
def test_api_and_json_give_the_last_second_of_the_berlin_day(day, expected):
    assert due_moment(day) == expected
    assert local_day(end_of_day(day)) == day
    assert local_day(end_of_day(day) + timedelta(seconds=1)) == day + timedelta(days=1)


def test_reminder_mail_names_the_chosen_day(app, company, course, mails):
    day = date(2026, 12, 21)
    person = company.employees[0]
    assign_course(company.manager, company.organisation, course,
                  now=berlin(day - timedelta(days=3), 10, 0), user_ids=[person.id],
                  due_on=day)
    assert run_reminders(berlin(day, 23, 30))["learners"] == 1
    from lms.extensions import db

    db.session.commit()
    # the assignment mail went out too; this is about the reminder
    [mail] = [m for m in mails() if m["To"] == person.email
              and m["Subject"].startswith("Erinnerung")]
    body = mail.get_content() if hasattr(mail, "get_content") else str(mail)
    assert "21.12.2026" in body and "22.12.2026" not in body
