"""What the browser may see of a question: texts and ids, shuffled, never the solution."""

from __future__ import annotations

import random

from authoring.model import DEFAULT_LANGUAGE, Choice, Question

TRUE_FALSE_LABELS = {"de": ("wahr", "falsch"), "en": ("true", "false")}


def _shuffled(items: list[Choice], seed: str) -> list[Choice]:
    """Shuffle deterministically, and never hand out the solution order itself."""
    result = list(items)
    random.Random(seed).shuffle(result)
    if len(result) > 1 and [c.id for c in result] == [c.id for c in items]:
        result = result[1:] + result[:1]
    return result


def _public(choice: Choice) -> dict:
    return {"id": choice.id, "text": choice.text}


def learner_view(question: Question, seed: str | int, language: str = DEFAULT_LANGUAGE) -> dict:
    """Return the question as the learner's browser may receive it.

    The same ``seed`` (e.g. the attempt id) always gives the same order, so a
    reload shows the same question; option ids are hashes of their texts, so
    grading never depends on the order shown.
    """
    view: dict = {
        "id": question.id,
        "kind": question.kind,
        "points": question.points,
        "stem": question.stem,
    }
    key = f"{seed}:{question.id}"
    if question.kind in ("single", "multiple"):
        view["choices"] = [_public(c) for c in question.choices]
    elif question.kind == "truefalse":
        yes, no = TRUE_FALSE_LABELS.get(language, TRUE_FALSE_LABELS["de"])
        view["choices"] = [{"id": "true", "text": yes}, {"id": "false", "text": no}]
    elif question.kind == "ordering":
        view["items"] = [_public(c) for c in _shuffled(question.choices, key)]
    elif question.kind == "matching":
        view["left"] = [_public(pair.left) for pair in question.pairs]
        rights: dict[str, Choice] = {}
        for pair in question.pairs:
            rights.setdefault(pair.right.id, pair.right)
        view["right"] = [_public(c) for c in _shuffled(list(rights.values()), key)]
    elif question.kind == "gap":
        view["gaps"] = [{"id": gap.id} for gap in question.gaps]
    elif question.kind == "open":
        view["upload"] = question.upload
    elif question.kind == "numeric":
        unit = question.numeric.unit if question.numeric else ""
        view["gaps"] = [{"id": "value", "unit": unit}]
    return view
