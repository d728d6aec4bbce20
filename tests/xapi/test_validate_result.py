"""Result and score: types, ranges, durations."""

import pytest

from xapi import validate_statement

from .samples import VERSIONS, expect_invalid, statement, substatement


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "result",
    [
        {},
        {"success": False, "completion": True, "response": "", "duration": "PT4H35M59.14S"},
        {"score": {"scaled": 0.6767676}},
        {"score": {"scaled": 1.0}},
        {"score": {"scaled": -1}},
        {"score": {"raw": -12.5}},
        {"score": {"min": 0.6767676}},
        {"score": {"max": 100.6767676}},
        {"score": {"raw": 0, "min": 0, "max": 10}},
        {"score": {"raw": 10, "min": 0, "max": 10}},
        {"extensions": {"http://example.com/ex": None}},
        {"extensions": {"http://example.com/ex": ""}},
    ],
)
def test_valid_results(result, version):
    validate_statement(statement(result=result), version)
    validate_statement(statement(object=substatement(result=result)), version)


@pytest.mark.parametrize(
    ("result", "rule", "pointer"),
    [
        ("passed", "Data-2.4.5/result-object", "/result"),
        ({"score": 12345}, "XAPI-00079/score-object", "/result/score"),
        ({"score": "should fail"}, "XAPI-00079/score-object", "/result/score"),
        ({"score": {"scaled": 1.01}}, "XAPI-00083/score-scaled", "/result/score/scaled"),
        ({"score": {"scaled": -1.00001}}, "XAPI-00083/score-scaled", "/result/score/scaled"),
        ({"score": {"scaled": "0.5"}}, "XAPI-00083/score-scaled", "/result/score/scaled"),
        ({"score": {"scaled": True}}, "XAPI-00083/score-scaled", "/result/score/scaled"),
        ({"score": {"scaled": float("nan")}}, "XAPI-00083/score-scaled", "/result/score/scaled"),
        (
            {"score": {"raw": 0.6767676, "max": 0.6567676}},
            "XAPI-00082/score-raw",
            "/result/score/raw",
        ),
        (
            {"score": {"raw": 0.6767676, "min": 1.4067676}},
            "XAPI-00082/score-raw",
            "/result/score/raw",
        ),
        (
            {"score": {"min": 0.6767676, "max": 0.6767355, "raw": 0.6767643}},
            "XAPI-00081/score-min",
            "/result/score/min",
        ),
        ({"score": {"min": 5, "max": 5}}, "XAPI-00081/score-min", "/result/score/min"),
        ({"score": {"max": "one hundred"}}, "XAPI-00080/score-max", "/result/score/max"),
        ({"score": {"max": "100"}}, "XAPI-00080/score-max", "/result/score/max"),
        ({"score": {"min": False}}, "XAPI-00081/score-min", "/result/score/min"),
        ({"score": {"percent": 50}}, "Data-2.2.s4.b1.b7/unknown-property", "/result/score/percent"),
        (
            {"success": "We regret to inform you that your effort was unsuccessful."},
            "XAPI-00006/result-success",
            "/result/success",
        ),
        ({"completion": "false"}, "XAPI-00006/result-completion", "/result/completion"),
        ({"completion": 1}, "XAPI-00006/result-completion", "/result/completion"),
        ({"response": 42}, "Data-2.4.5.s2.table1.row4/result-response", "/result/response"),
        ({"duration": "should fail"}, "XAPI-00077/result-duration", "/result/duration"),
        ({"duration": 12345}, "XAPI-00077/result-duration", "/result/duration"),
        ({"duration": {"key": "invalid"}}, "XAPI-00077/result-duration", "/result/duration"),
        ({"duration": "PA1H0M0S"}, "XAPI-00077/result-duration", "/result/duration"),
        ({"extensions": []}, "Data-4.1/extensions-object", "/result/extensions"),
        ({"Success": True}, "XAPI-00008/key-case", "/result/Success"),
    ],
)
def test_result_rules(result, rule, pointer):
    expect_invalid(statement(result=result), rule, pointer)
    expect_invalid(statement(object=substatement(result=result)), rule, "/object" + pointer)
