"""What a manager reads on an employee's page: hours in the locale's format, words for codes."""

from lms.extensions import db
from lms.learning.enrolment import enrol
from lms.learning.models import CourseProgress


def test_employee_hours_are_formatted_by_babel(client, auth, company, course, now):
    person = company.employees[0]
    enrol(person, course, actor=company.manager, now=now)
    db.session.add(CourseProgress(user_id=person.id, course_id=course.id, percent=40,
                                  self_paced_minutes=90, synchronous_minutes=600,
                                  attended_sessions=[]))
    db.session.commit()
    auth.login(company.manager.email)
    page = client.get(f"/company/employees/{person.id}").get_data(as_text=True)
    assert "1,5 Std. / 10 Std." in page
    assert "10.0 h" not in page and "1.5 h" not in page
