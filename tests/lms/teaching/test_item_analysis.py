"""Item analysis against a small data set computed by hand, and who may see it."""

import uuid
from datetime import timedelta

import pytest

from lms.catalog.version_content import content_for
from lms.db import utcnow
from lms.extensions import db
from lms.learning.answer_models import QuizAnswer
from lms.learning.models import QuizAttempt
from lms.teaching.item_analysis import analyse
from tests.factories import make_user
from tests.lms.teaching.grading_helpers import POOL, SLUG, make_trainer

pytest_plugins = ["tests.lms.teaching.grading_fixtures"]

# Eight attempts at the pool quiz (four single-choice questions of 1 point; options
# "ja" right, "nein" and "vielleicht" wrong). 1 = right, N/V = the wrong option picked.
#
#   attempt  p1 p2 p3 p4  score
#   A1        1  1  1  N    3
#   A2        1  N  V  1    2
#   A3        1  1  1  V    3
#   A4        1  N  1  N    2
#   A5        1  N  1  N    2
#   A6        1  N  1  N    2
#   A7        1  V  N  N    1
#   A8        1  N  N  N    1
#
# Share right: p1 8/8 = 100 % (flag: almost all pass), p2 2/8 = 25 %, p3 5/8 = 62.5 %,
# p4 1/8 = 12.5 % (flag: almost all fail).
#
# Point-biserial with the rest score R = score − x (x = 1 when right), from
# r = (n·ΣxR − Σx·ΣR) / √((n·Σx − (Σx)²)·(n·ΣR² − (ΣR)²)), n = 8:
#   p2: x = 1,0,1,0,0,0,0,0   R = 2,2,2,2,2,2,1,1   Σx = 2, ΣR = 14, ΣR² = 26, ΣxR = 4
#       r = (32 − 28) / √((16 − 4)·(208 − 196)) = 4 / 12 = 0.3333
#   p3: x = 1,0,1,1,1,1,0,0   R = 2,2,2,1,1,1,1,1   Σx = 5, ΣR = 11, ΣR² = 17, ΣxR = 7
#       r = (56 − 55) / √((40 − 25)·(136 − 121)) = 1 / 15 = 0.0667
#   p4: x = 0,1,0,0,0,0,0,0   R = 3,1,3,2,2,2,1,1   Σx = 1, ΣR = 15, ΣR² = 33, ΣxR = 1
#       r = (8 − 15) / √((8 − 1)·(264 − 225)) = −7 / √273 = −0.4237
#   p1: everyone right, no variance: no r.
#
# Upper/lower 27 %: round(0.27 · 8) = 2 attempts each. Upper: A1, A3 (3 points), lower:
# A7, A8 (1 point). D = right in upper − right in lower:
#   p1: 2/2 − 2/2 = 0;  p2: 2/2 − 0/2 = 1;  p3: 2/2 − 0/2 = 1;  p4: 0/2 − 0/2 = 0.
#
# Wrong options picked: p2 nein 5 (A2, A4, A5, A6, A8), vielleicht 1 (A7);
# p3 nein 2 (A7, A8), vielleicht 1 (A2); p4 nein 6, vielleicht 1 (A3); p1 none.
TABLE = {
    "A1": "1 1 1 N", "A2": "1 N V 1", "A3": "1 1 1 V", "A4": "1 N 1 N",
    "A5": "1 N 1 N", "A6": "1 N 1 N", "A7": "1 V N N", "A8": "1 N N N",
}
WORDS = {"1": "ja", "N": "nein", "V": "vielleicht"}


def store_table(course, pending_too=False, table=None):
    lesson = content_for(course.published_version).course.lesson(POOL)
    option = {q.id: {c.text.replace("<p>", "").replace("</p>", ""): c.id for c in q.choices}
              for q in lesson.questions()}
    now = utcnow()
    rows = list((table or TABLE).items()) + ([("P", "0 0 0 0")] if pending_too else [])
    for index, (_name, marks) in enumerate(rows):
        user = make_user()
        cells = marks.split()
        score = sum(cell == "1" for cell in cells)
        attempt = QuizAttempt(
            user_id=user.id, course_id=course.id, course_version_id=course.published_version_id,
            lesson_id=POOL, number=1, language="de", responses={}, score=score, max_score=4,
            percent=100 * score / 4, is_passed=score >= 2, submitted_at=now + timedelta(
                seconds=index), registration=str(uuid.uuid4()), is_pending=_name == "P")
        db.session.add(attempt)
        db.session.flush()
        for number, cell in enumerate(cells, start=1):
            qid = f"p{number}"
            db.session.add(QuizAnswer(
                attempt_id=attempt.id, user_id=user.id, course_id=course.id, lesson_id=POOL,
                question_id=qid, kind="single", score=float(cell == "1"), max_score=1.0,
                is_correct=cell == "1", response=option[qid].get(WORDS.get(cell, ""), ""),
                submitted_at=attempt.submitted_at))
    db.session.flush()
    return lesson


def test_figures_match_the_hand_computation(grading_course):
    lesson = store_table(grading_course, pending_too=True)
    result = analyse(grading_course.id, lesson)
    assert result.attempts == 8  # the pending attempt has no result yet: left out
    items = {item.question_id: item for item in result.items}
    assert [items[q].share_correct for q in ("p1", "p2", "p3", "p4")] == [1.0, 0.25, 0.625,
                                                                          0.125]
    assert all(items[q].attempts == 8 for q in items)
    assert items["p1"].point_biserial is None
    assert items["p2"].point_biserial == pytest.approx(1 / 3)
    assert items["p3"].point_biserial == pytest.approx(1 / 15)
    assert items["p4"].point_biserial == pytest.approx(-7 / 273 ** 0.5)
    assert [items[q].discrimination for q in ("p1", "p2", "p3", "p4")] == [0, 1, 1, 0]
    assert [items[q].flag for q in ("p1", "p2", "p3", "p4")] == ["easy", None, None, "hard"]

    def picks(qid):
        return {o.text.replace("<p>", "").replace("</p>", ""): o.picks
                for o in items[qid].wrong_options}

    assert picks("p1") == {"nein": 0, "vielleicht": 0}
    assert picks("p2") == {"nein": 5, "vielleicht": 1}
    assert picks("p3") == {"nein": 2, "vielleicht": 1}
    assert picks("p4") == {"nein": 6, "vielleicht": 1}
    assert items["p4"].wrong_options[0].share == pytest.approx(6 / 8)


def test_ties_at_a_group_edge_go_by_the_earlier_attempt(grading_course):
    # Four attempts, all 1 point of 4: round(0.27 · 4) = 1 attempt per group. With equal
    # results the earlier attempt ranks higher: upper group = T1, lower group = T4.
    # p1: right in T1 (upper) and T3, wrong in T4 (lower): D = 1 − 0 = 1;
    # p2: wrong in T1, right in T4: D = 0 − 1 = −1.
    lesson = store_table(grading_course, table={
        "T1": "1 N N N", "T2": "N 1 N N", "T3": "1 N N N", "T4": "N 1 N N"})
    items = {item.question_id: item for item in analyse(grading_course.id, lesson).items}
    assert (items["p1"].discrimination, items["p2"].discrimination) == (1, -1)
    assert items["p3"].point_biserial is None  # nobody right: no variance


def test_the_page_shows_figures_and_source_links_to_trainers_only(
        grading_course, client, auth):
    store_table(grading_course)
    trainer = make_trainer(grading_course)
    auth.login(trainer.email)
    page = client.get(f"/teaching/courses/{SLUG}/item-analysis/{POOL}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "8 bewertete Versuche" in html
    assert "fast alle verfehlen sie" in html and "fast alle lösen sie" in html
    assert '<td data-cell="rpb">0,33</td>' in html  # German decimal comma
    # link to the question's line in the studio editor: p1 sits on line 12 of the file
    assert f"/studio/{SLUG}/edit?path=modules/01-einfuehrung/03-pool.md&amp;line=12" in html
    auth.logout()
    learner = make_user()
    auth.login(learner.email)
    assert client.get(f"/teaching/courses/{SLUG}/item-analysis/{POOL}").status_code == 403
    assert client.get(f"/teaching/courses/{SLUG}/item-analysis").status_code == 403
