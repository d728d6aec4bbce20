"""Client JSON: the nesting limit before parsing, lone surrogates, and a bounded fuzz of the
statement validator (issue 21). Library tests: no app."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xapi import jsontext
from xapi.errors import StatementValidationError
from xapi.validation import validate_statement, validate_statements

ACTOR = {"objectType": "Agent", "account": {"homePage": "https://campus.example", "name": "p1"}}
VERB = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}}
OBJECT = {"objectType": "Activity", "id": "https://campus.example/xapi/activities/course/c"}


def valid_statement(**extra):
    return {"actor": ACTOR, "verb": VERB, "object": OBJECT, **extra}


def nested(depth: int, leaf=1):
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("text", "depth"), [
    ("1", 0),
    ("[]", 1),
    ('{"a": [1, {"b": []}]}', 4),
    ('["[[[[", "\\"[[[", "\\\\"]', 1),  # brackets and escaped quotes inside strings
    ('{"a": "}}}}"}', 1),
    ("[" * 500 + "]" * 500, 500),
])
def test_nesting_depth_counts_structure_only(text, depth):
    assert jsontext.nesting_depth(text) == depth
    assert jsontext.nesting_depth(text.encode()) == depth


def test_the_limit_is_inclusive_and_alternating_brackets_count_each_level():
    at_limit = '{"a": ' * 32 + "[" * 32 + "]" * 32 + "}" * 32
    assert jsontext.nesting_depth(at_limit) == jsontext.MAX_DEPTH
    jsontext.loads(at_limit)
    with pytest.raises(jsontext.JsonTextError) as caught:
        jsontext.check_depth("[{" * 33 + "}]" * 33)  # 66 levels: each pass drops one
    assert caught.value.rule == jsontext.DEPTH_RULE and "66 levels" in caught.value.message


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    "[" * 100_000,
    '{"a": ' * 5000 + "1" + "}" * 5000,
    "[" * 5000 + "}" * 5000,
])
def test_deep_text_is_refused_before_parsing(text):
    with pytest.raises(jsontext.JsonTextError) as caught:
        jsontext.loads(text)
    assert caught.value.rule in (jsontext.DEPTH_RULE, jsontext.SYNTAX_RULE)


@pytest.mark.parametrize(("text", "pointer"), [
    ('{"result": {"response": "\\ud800"}}', "/result/response"),
    ('[{"a": 1}, {"b": ["ok", "\\udfff"]}]', "/1/b/1"),
    ('{"x~y/z": "\\uDBFF"}', "/x~0y~1z"),
    ('{"k\\udc00": 1}', "/k\\udc00"),
])
def test_lone_surrogates_are_refused_with_a_pointer(text, pointer):
    for data in (text, text.encode()):
        with pytest.raises(jsontext.JsonTextError) as caught:
            jsontext.loads(data)
        assert caught.value.rule == jsontext.SURROGATE_RULE
        assert caught.value.pointer == pointer
        caught.value.pointer.encode("utf-8")  # printable in a JSON answer


def test_a_surrogate_pair_is_one_character_and_fine():
    assert jsontext.loads('{"a": "\\ud83d\\ude00"}') == {"a": "\U0001F600"}


def test_nan_and_broken_json_are_syntax_errors():
    for text in ("NaN", "[Infinity]", '{"a": ', "", "\ufeff{}"):
        with pytest.raises(jsontext.JsonTextError) as caught:
            jsontext.loads(text)
        assert caught.value.rule == jsontext.SYNTAX_RULE


def test_the_validator_refuses_a_lone_surrogate_with_its_pointer():
    with pytest.raises(StatementValidationError) as caught:
        validate_statement(valid_statement(result={"response": "\ud800"}), "2.0.0")
    assert caught.value.pointer == "/result/response"
    with pytest.raises(StatementValidationError) as caught:
        validate_statements([valid_statement(), valid_statement(
            context={"extensions": {"https://x.example/e": {"\udc00": 1}}})], "1.0.3")
    assert caught.value.pointer == "/1/context/extensions/https:~1~1x.example~1e/\\udc00"


@pytest.mark.parametrize("depth", [990, 5000])
def test_the_validator_refuses_deep_extensions_without_recursing(depth):
    statement = valid_statement(result={"extensions": {"https://x.example/e": nested(depth)}})
    with pytest.raises(StatementValidationError) as caught:
        validate_statement(statement, "2.0.0")
    assert caught.value.rule == jsontext.DEPTH_RULE
    assert caught.value.pointer.startswith("/result/extensions/https:~1~1x.example~1e/0")


def test_the_validator_accepts_extensions_up_to_the_limit():
    statement = valid_statement(result={"extensions": {
        "https://x.example/e": nested(jsontext.MAX_DEPTH - 3)}})
    validate_statement(statement, "2.0.0")


# --- fuzzing ------------------------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),  # includes lone surrogates: hypothesis draws from every code point
    st.sampled_from(["https://x.example/a", "mailto:a@example.org", "2026-12-07T10:00:00Z",
                     "PT1H", "en-US", "Agent", "Group", "Activity", "SubStatement",
                     "StatementRef", "c5f8f1de-3f35-4d59-9d7c-6f1a7b2f6d41", "\ud800"]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from([
            "id", "actor", "verb", "object", "result", "context", "timestamp", "authority",
            "attachments", "objectType", "mbox", "account", "name", "homePage", "member",
            "definition", "extensions", "score", "scaled", "display", "registration",
            "contextActivities", "parent", "statement", "success", "response", "\udc00",
        ]) | st.text(max_size=8), children, max_size=5),
    ),
    max_leaves=25,
)


def _mutated(draw_value):
    """A valid statement with one property replaced by arbitrary JSON."""
    path, value = draw_value
    statement = json.loads(json.dumps(valid_statement(
        result={"response": "ok"},
        context={"registration": "c5f8f1de-3f35-4d59-9d7c-6f1a7b2f6d41"})))
    target = statement
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target.get(key), dict) else target
    target[path[-1]] = value
    return statement


PATHS = st.sampled_from([
    ("actor",), ("verb",), ("object",), ("result",), ("context",), ("timestamp",),
    ("actor", "account"), ("verb", "display"), ("object", "definition"),
    ("result", "score"), ("result", "extensions"), ("context", "contextActivities"),
    ("context", "statement"), ("authority",), ("attachments",), ("object", "objectType"),
])


def _only_validation_errors(value, version):
    try:
        validate_statement(value, version)
    except StatementValidationError as error:
        assert isinstance(error.rule, str) and error.rule
        error.pointer.encode("utf-8")
        error.message.encode("utf-8")
        json.dumps(error.to_dict())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES, version=st.sampled_from(["1.0.3", "2.0.0"]))
def test_fuzz_arbitrary_json_only_ever_fails_validation(value, version):
    _only_validation_errors(value, version)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=st.tuples(PATHS, JSON_VALUES), version=st.sampled_from(["1.0.3", "2.0.0"]))
def test_fuzz_mutated_statements_only_ever_fail_validation(change, version):
    _only_validation_errors(_mutated(change), version)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('[]{}",:\\u0123456789dDabcfnrtel \ud800x'),
                    max_size=200))
def test_fuzz_json_text_only_ever_raises_json_text_errors(text):
    try:
        jsontext.loads(text)
    except jsontext.JsonTextError as error:
        error.pointer.encode("utf-8")
        error.message.encode("utf-8")


@pytest.mark.parametrize("text", [
    '{"raw": 123456789012345678901234567890}',
    "[9223372036854775807, 9223372036854775808, -9223372036854775809]",
    '{"a": 1.5, "b": "ü€\\u00e9 😀", "c": [true, false, null], "d": -0, "e": 1e-7, "a": 2}',
    "1e400",
])
def test_values_are_those_of_the_standard_parser(text):
    """The fast parser (orjson) must never change a value: big integers stay exact."""
    expected = json.loads(text)
    for data in (text, text.encode()):
        value = jsontext.loads(data)
        assert value == expected
        assert json.dumps(value) == json.dumps(expected)  # int stays int, float stays float


@pytest.mark.parametrize("value", [
    {"raw": 10**30, "name": {"de-DE": "Lektion für Ärzte 😀"}},
    [1, 2.5, None, True, "x", {"k": 1e16}],
    {1: "a non-string key"},
])
def test_dumps_is_compact_unescaped_and_round_trips(value):
    text = jsontext.dumps(value)
    assert text == json.dumps(value, ensure_ascii=False, separators=(",", ":")) or \
        json.loads(text) == json.loads(json.dumps(value))
    assert json.loads(text) == json.loads(json.dumps(value))
    assert ": " not in text and ", " not in text and "\\u" not in text
