"""The answer key a SCORM 1.2 package must carry, as salted hashes instead of plain text.

SCORM 1.2 has no server to grade against, so the player grades in the browser. Each
question's key is a list of parts (one per gap or matching pair, else one), each part the
set of SHA-256 hashes of the accepted normalised answers, salted with a per-package salt
and the question id. A learner's answer is normalised and hashed the same way in the
browser (player/atlas-player.js) and compared. This keeps the solutions out of plain
sight, nothing more: anyone may hash every option of a question and compare.
"""

from __future__ import annotations

import hashlib
import unicodedata
from decimal import Decimal

from authoring.model import Question

#: Most accepted values one numeric question may expand to (value ± tolerance, stepped
#: at the precision the author wrote); beyond it only the exact value is accepted.
MAX_NUMERIC_VALUES = 5001


def normalise(text: object) -> str:
    """NFC, runs of white space as one space, lower case: the browser does the same."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).lower()


def answer_hash(salt: str, question_id: str, part: int, value: str) -> str:
    """The hex SHA-256 of one accepted answer of one part of a question."""
    return hashlib.sha256(f"{salt}|{question_id}|{part}|{value}".encode()).hexdigest()


def _decimals(number: float) -> int:
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def numeric_values(value: float, tolerance: float) -> tuple[int, list[str]]:
    """The precision (decimals) and every accepted value of a numeric answer, as text.

    The browser rounds the learner's number to that precision before hashing it.
    """
    decimals = max(_decimals(value), _decimals(tolerance))
    step = Decimal(1).scaleb(-decimals)
    centre = Decimal(repr(float(value))).quantize(step)
    count = int((Decimal(repr(float(tolerance))) / step).to_integral_value())
    if 2 * count + 1 > MAX_NUMERIC_VALUES:
        count = 0
    values = [centre + k * step for k in range(-count, count + 1)]
    return decimals, [f"{v:.{decimals}f}" for v in values]


def question_key(question: Question, salt: str) -> dict | None:
    """The hashed key of ``question``: ``{"parts": [[hash, …], …]}``, ``None`` for open ones.

    ``numeric`` questions add ``decimals``. Parts: single, true/false, multiple (the sorted
    ids of the correct options joined by ``,``), ordering (ids in order) have one part; gaps
    one per gap (each accepted answer), matching one per pair (``left=right``).
    """
    qid = question.id

    def hashed(part: int, values: list[str]) -> list[str]:
        return sorted({answer_hash(salt, qid, part, normalise(v)) for v in values})

    kind = question.kind
    if kind == "single":
        return {"parts": [hashed(0, [c.id for c in question.choices if c.is_correct])]}
    if kind == "multiple":
        correct = sorted(c.id for c in question.choices if c.is_correct)
        return {"parts": [hashed(0, [",".join(correct)])]}
    if kind == "truefalse":
        return {"parts": [hashed(0, ["true" if question.answer else "false"])]}
    if kind == "ordering":
        return {"parts": [hashed(0, [",".join(c.id for c in question.choices)])]}
    if kind == "gap":
        return {"parts": [hashed(i, gap.answers) for i, gap in enumerate(question.gaps)]}
    if kind == "matching":
        return {"parts": [hashed(i, [f"{p.left.id}={p.right.id}"])
                          for i, p in enumerate(question.pairs)]}
    if kind == "numeric" and question.numeric is not None:
        decimals, values = numeric_values(question.numeric.value, question.numeric.tolerance)
        return {"parts": [hashed(0, values)], "decimals": decimals}
    return None
