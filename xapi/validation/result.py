"""The result of a statement and its score (Data 2.4.5)."""

from typing import Any

from xapi.validation.core import (
    check_extensions,
    check_keys,
    fail,
    require_bool,
    require_dict,
    require_number,
    require_str,
)
from xapi.validation.timestamps import is_duration

RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})

RESULT = "Data-2.4.5/result-object"
SUCCESS = "XAPI-00006/result-success"
COMPLETION = "XAPI-00006/result-completion"
RESPONSE = "Data-2.4.5.s2.table1.row4/result-response"
DURATION = "XAPI-00077/result-duration"
SCORE = "XAPI-00079/score-object"
SCALED = "XAPI-00083/score-scaled"
RAW = "XAPI-00082/score-raw"
MIN = "XAPI-00081/score-min"
MAX = "XAPI-00080/score-max"


def check_result(value: Any, pointer: str) -> None:
    result = require_dict(value, RESULT, pointer, "result")
    check_keys(result, RESULT_KEYS, pointer, "result")
    for key, item in result.items():
        if key == "score":
            _check_score(item, f"{pointer}/score")
        elif key == "success":
            require_bool(item, SUCCESS, f"{pointer}/success", "success")
        elif key == "completion":
            require_bool(item, COMPLETION, f"{pointer}/completion", "completion")
        elif key == "response":
            require_str(item, RESPONSE, f"{pointer}/response", "response")
        elif key == "duration":
            require_str(item, DURATION, f"{pointer}/duration", "duration")
            if not is_duration(item):
                fail(
                    DURATION,
                    f"{pointer}/duration",
                    f"duration {item!r} is not an ISO 8601 duration such as 'PT1H30M' or 'P2W'.",
                )
        elif key == "extensions":
            check_extensions(item, f"{pointer}/extensions")


def _check_score(value: Any, pointer: str) -> None:
    """scaled in [-1, 1]; min < max; raw within [min, max] where given (Data 2.4.5.1)."""
    score = require_dict(value, SCORE, pointer, "score")
    check_keys(score, SCORE_KEYS, pointer, "score")
    if "scaled" in score:
        scaled = require_number(score["scaled"], SCALED, f"{pointer}/scaled", "scaled")
        if not -1 <= scaled <= 1:
            fail(SCALED, f"{pointer}/scaled", f"scaled must lie between -1 and 1, not {scaled}.")
    low = require_number(score["min"], MIN, f"{pointer}/min", "min") if "min" in score else None
    high = require_number(score["max"], MAX, f"{pointer}/max", "max") if "max" in score else None
    if low is not None and high is not None and not low < high:
        fail(MIN, f"{pointer}/min", f"min ({low}) must be less than max ({high}).")
    if "raw" in score:
        raw = require_number(score["raw"], RAW, f"{pointer}/raw", "raw")
        if low is not None and raw < low:
            fail(RAW, f"{pointer}/raw", f"raw ({raw}) is below min ({low}).")
        if high is not None and raw > high:
            fail(RAW, f"{pointer}/raw", f"raw ({raw}) is above max ({high}).")
