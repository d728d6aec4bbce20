"""The studio's list of lessons due for review, per course."""

import re

from lms.studio import drafts

LESSON = "modules/01-einfuehrung/01-einstieg.md"
QUIZ = "modules/01-einfuehrung/02-quiz.md"


def _reviews(html: str) -> str:
    section = re.search(r'<section aria-labelledby="reviews-title".*?</section>', html, re.S)
    assert section is not None
    return section.group(0)


def test_fresh_course_has_nothing_due(client, auth, people):
    auth.login(people["trainer"].email)
    html = client.get("/studio/kurs-a").get_data(as_text=True)
    assert "Keine Lektion ist in den nächsten 30 Tagen zur Prüfung fällig." in _reviews(html)


def test_overdue_and_undated_lessons_are_listed_with_dates(client, auth, people, studio,
                                                           courses):
    auth.login(people["trainer"].email)
    lesson = drafts.read_text(courses["kurs-a"], LESSON)
    lesson = re.sub(r"reviewed: \S+", "reviewed: 2024-03-31\nreview_every: 6 months", lesson)
    assert studio.save("kurs-a", LESSON, lesson).status_code == 302
    quiz = re.sub(r"reviewed: \S+\n", "", drafts.read_text(courses["kurs-a"], QUIZ))
    assert studio.save("kurs-a", QUIZ, quiz).status_code == 302
    section = _reviews(client.get("/studio/kurs-a").get_data(as_text=True))
    rows = re.findall(r'<tr class="review-(\w+)">(.*?)</tr>', section, re.S)
    assert [status for status, _ in rows] == ["overdue", "missing"]
    assert "Einstieg" in rows[0][1] and "31. März 2024" in rows[0][1]
    assert "30. September 2024" in rows[0][1]  # 31 March + 6 months, clamped to the month
    assert "Quiz Einführung" in rows[1][1] and "ohne Prüfdatum" in rows[1][1]


def test_review_list_in_english(client, auth, people, studio, courses):
    people["trainer"].locale = "en"
    auth.login(people["trainer"].email)
    lesson = drafts.read_text(courses["kurs-a"], LESSON)
    studio.save("kurs-a", LESSON, re.sub(r"reviewed: \S+", "reviewed: 2020-01-15", lesson))
    section = _reviews(client.get("/studio/kurs-a").get_data(as_text=True))
    assert "Due for review" in section and "15 January 2020" in section
