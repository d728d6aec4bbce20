"""What the browser receives: deterministic, shuffled, and without any part of the solution."""

import json

import pytest

from authoring.grading import grade_question
from authoring.learner_view import learner_view

SOLUTION_KEYS = {"is_correct", "answers", "answer", "feedback", "explanation", "numeric", "pairs"}


@pytest.fixture(scope="module")
def questions(course):
    return course.lesson("grundlagen-quiz").questions()


def keys(value):
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in keys(item)}
    return set()


def test_views_hold_no_solution(questions):
    for question in questions:
        view = learner_view(question, seed="attempt-1")
        assert not keys(view) & SOLUTION_KEYS, question.id


def test_same_seed_same_order_and_other_seeds_differ(questions):
    ordering = next(q for q in questions if q.kind == "ordering")
    first = learner_view(ordering, "attempt-1")
    assert learner_view(ordering, "attempt-1") == first
    orders = {json.dumps(learner_view(ordering, seed)["items"]) for seed in range(20)}
    assert len(orders) > 1


def test_ordering_is_never_shown_in_the_solution_order(questions):
    ordering = next(q for q in questions if q.kind == "ordering")
    solution = [c.id for c in ordering.choices]
    for seed in range(50):
        assert [item["id"] for item in learner_view(ordering, seed)["items"]] != solution


def test_grading_works_on_the_ids_the_view_hands_out(questions):
    matching = next(q for q in questions if q.kind == "matching")
    view = learner_view(matching, "seed")
    right_by_text = {item["text"]: item["id"] for item in view["right"]}
    response = {
        left["id"]: right_by_text[pair.right.text]
        for left, pair in zip(view["left"], matching.pairs, strict=True)
    }
    assert grade_question(matching, response).is_correct


def test_true_false_labels_follow_the_language(questions):
    truefalse = next(q for q in questions if q.kind == "truefalse")
    assert [c["text"] for c in learner_view(truefalse, 1, "en")["choices"]] == ["true", "false"]
    assert [c["id"] for c in learner_view(truefalse, 1)["choices"]] == ["true", "false"]


def test_gap_and_numeric_views_name_their_inputs(questions):
    by_kind = {q.kind: q for q in questions}
    assert learner_view(by_kind["gap"], 1)["gaps"] == [{"id": "g1"}]
    assert learner_view(by_kind["numeric"], 1)["gaps"] == [{"id": "value", "unit": "kWh"}]


def test_option_ids_are_stable_hashes_of_the_text(course, questions):
    single = next(q for q in questions if q.kind == "single")
    english = course.lesson("grundlagen-quiz").question(single.id, "en")
    assert all(c.id.startswith("c-") and len(c.id) == 12 for c in single.choices)
    assert {c.id for c in single.choices}.isdisjoint({c.id for c in english.choices})
