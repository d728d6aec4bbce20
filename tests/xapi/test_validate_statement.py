"""Statement-level rules: properties, ids, objects, SubStatements, versions, batches, errors."""

import pytest

from xapi import StatementValidationError, validate_statement, validate_statements
from xapi.validation.identifiers import is_uuid

from .samples import (
    DELETE,
    OTHER_ID,
    VERSIONS,
    agent,
    anonymous_group,
    expect_invalid,
    full_statement,
    patched,
    statement,
    substatement,
)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "document",
    [
        statement(),
        full_statement(),
        statement(object=substatement()),
        statement(object={"id": "http://example.com/website"}),
        statement(object={"objectType": "StatementRef", "id": OTHER_ID}),
        statement(object={"objectType": "Agent", "mbox": "mailto:a@example.com"}),
        statement(object=anonymous_group()),
        statement(actor=anonymous_group()),
        statement(verb={"id": "http://example.com/xapi/verbs#defenestrated"}),
        {
            "actor": {"mbox": "mailto:xapi@adlnet.gov"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "x"}},
            "object": {"id": "http://example.adlnet.gov/xapi/example/activity"},
        },
        statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
            object={"objectType": "StatementRef", "id": OTHER_ID},
        ),
        statement(object=substatement(object={"objectType": "StatementRef", "id": OTHER_ID})),
        statement(object=substatement(timestamp="2099-01-01T00:00:00Z", result={"success": True})),
    ],
)
def test_valid_statements_pass(document, version):
    validate_statement(document, version)


@pytest.mark.parametrize(
    ("pointer", "rule"),
    [
        ("/actor", "XAPI-00003/actor-required"),
        ("/verb", "XAPI-00004/verb-required"),
        ("/object", "XAPI-00005/object-required"),
    ],
)
def test_actor_verb_and_object_are_required(pointer, rule):
    expect_invalid(patched(statement(), pointer), rule, pointer)


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        ("iD", "XAPI-00008/key-case"),
        ("Actor", "XAPI-00008/key-case"),
        ("timeStamp", "XAPI-00008/key-case"),
        ("attachmentS", "XAPI-00008/key-case"),
        ("foo", "Data-2.2.s4.b1.b7/unknown-property"),
        ("objectType", "Data-2.2.s4.b1.b7/unknown-property"),
    ],
)
def test_unknown_or_miscased_statement_keys_are_rejected(key, rule):
    expect_invalid(statement(**{key: "x"}), rule, f"/{key}")


def test_unknown_key_pointer_escapes_slash_and_tilde():
    document = patched(statement(), "/verb/http:~1~1x~0y", 1)
    expect_invalid(document, "Data-2.2.s4.b1.b7/unknown-property", "/verb/http:~1~1x~0y")


@pytest.mark.parametrize(
    "value",
    [
        12345,
        {"key": "x"},
        "AA97B177-9383-4934-8543-0F91A7A028368",
        "MA97B177-9383-4934-8543-0F91A7A02836",
        "",
        None,
    ],
)
def test_statement_id_must_be_a_uuid(value):
    rule = "XAPI-00001/null-value" if value is None else "XAPI-00027/statement-id"
    expect_invalid(statement(id=value), rule, "/id")


def test_uuid_accepts_upper_case_and_any_version():
    assert is_uuid("AA97B177-9383-1934-8543-0F91A7A02836")
    validate_statement(statement(id="AA97B177-9383-4934-8543-0F91A7A02836"))


@pytest.mark.parametrize("value", ["string", 1, [], None])
def test_statement_must_be_an_object(value):
    rule = "XAPI-00001/null-value" if value is None else "XAPI-00014/statement-object"
    expect_invalid(value, rule, "")


@pytest.mark.parametrize(
    ("version", "value", "valid"),
    [
        ("1.0.3", "1.0", True),
        ("1.0.3", "1.0.0", True),
        ("1.0.3", "1.0.9", True),
        ("1.0.3", "2.0.0", False),
        ("1.0.3", "0.9.9", False),
        ("1.0.3", "1.1.0", False),
        ("1.0.3", "should fail", False),
        ("1.0.3", "1.0.", False),
        ("2.0.0", "2.0.0", True),
        ("2.0.0", "2.0", True),
        ("2.0.0", "1.0.0", True),
        ("2.0.0", "2.1.0", False),
        ("2.0.0", "3.0.0", False),
    ],
)
def test_statement_version_property(version, value, valid):
    document = statement(version=value)
    if valid:
        validate_statement(document, version)
    else:
        expect_invalid(document, "XAPI-00101/statement-version", "/version", version)


def test_version_must_be_a_string():
    expect_invalid(statement(version=1.0), "XAPI-00101/statement-version", "/version")


@pytest.mark.parametrize("version", VERSIONS)
def test_voiding_statement_needs_a_statement_ref(version):
    document = statement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    expect_invalid(document, "Data-2.3.2.s2.b1/voiding-object", "/object", version)


# --- objects -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("object_", "rule", "pointer"),
    [
        (
            {"objectType": "activity", "id": "http://x.org/a"},
            "Data-2.4.4.s2/object-type",
            "/object/objectType",
        ),
        (
            {"objectType": 7, "id": "http://x.org/a"},
            "Data-2.4.4.s2/object-type",
            "/object/objectType",
        ),
        (
            {"objectType": None, "id": "http://x.org/a"},
            "XAPI-00001/null-value",
            "/object/objectType",
        ),
        ("http://x.org/a", "Data-2.4.4/object", "/object"),
        (
            {"mbox": "mailto:a@example.com"},
            "XAPI-00065/object-agent-object-type",
            "/object/objectType",
        ),
        ({"member": [agent()]}, "XAPI-00065/object-agent-object-type", "/object/objectType"),
        (
            {"objectType": "statementref", "id": OTHER_ID},
            "Data-2.4.4.s2/object-type",
            "/object/objectType",
        ),
        ({"objectType": "StatementRef"}, "XAPI-00072/statement-ref-id", "/object/id"),
        (
            {"objectType": "StatementRef", "id": "should fail"},
            "XAPI-00072/statement-ref-id",
            "/object/id",
        ),
        (
            {"objectType": "StatementRef", "id": OTHER_ID, "definition": {}},
            "Data-2.2.s4.b1.b7/unknown-property",
            "/object/definition",
        ),
    ],
)
def test_object_rules(object_, rule, pointer):
    expect_invalid(statement(object=object_), rule, pointer)


# --- SubStatements -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        ("id", OTHER_ID, "XAPI-00070/substatement-id"),
        ("stored", "2013-05-18T05:32:34.804Z", "XAPI-00069/substatement-stored"),
        ("version", "1.0.0", "XAPI-00068/substatement-version"),
        ("authority", agent(), "XAPI-00067/substatement-authority"),
    ],
)
@pytest.mark.parametrize("version", VERSIONS)
def test_substatement_must_not_have_lrs_properties(key, value, rule, version):
    document = statement(object=substatement(**{key: value}))
    expect_invalid(document, rule, f"/object/{key}", version)


def test_substatement_cannot_be_nested():
    document = statement(object=substatement(object=substatement()))
    expect_invalid(document, "XAPI-00071/nested-substatement", "/object/object")


@pytest.mark.parametrize(
    ("pointer", "value", "rule", "expected"),
    [
        ("/object/actor", DELETE, "XAPI-00003/actor-required", "/object/actor"),
        ("/object/verb", DELETE, "XAPI-00004/verb-required", "/object/verb"),
        ("/object/object", DELETE, "XAPI-00005/object-required", "/object/object"),
        (
            "/object/actor/mbox",
            "http://should.fail.com",
            "XAPI-00038/mbox-format",
            "/object/actor/mbox",
        ),
        (
            "/object/verb/display",
            {"de-419-DE": "besucht"},
            "XAPI-00121/language-tag",
            "/object/verb/display/de-419-DE",
        ),
        ("/object/timestamp", "01/011/2015", "XAPI-00123/timestamp-format", "/object/timestamp"),
        ("/object/objectType", "substatement", "Data-2.4.4.s2/object-type", "/object/objectType"),
    ],
)
def test_substatement_is_validated_as_a_statement(pointer, value, rule, expected):
    document = patched(statement(object=substatement()), pointer, value)
    expect_invalid(document, rule, expected)


def test_validate_statement_alone_as_substatement():
    validate_statement(substatement(), is_substatement=True)
    with pytest.raises(StatementValidationError) as info:
        validate_statement({**substatement(), "objectType": "Activity"}, is_substatement=True)
    assert info.value.rule == "Data-2.4.4.3.s8.b1/substatement-object-type"


def test_voiding_rule_does_not_apply_inside_substatements():
    sub = substatement(verb={"id": "http://adlnet.gov/expapi/verbs/voided"})
    validate_statement(statement(object=sub))


# --- timestamps and stored -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["timestamp", "stored"])
@pytest.mark.parametrize(
    "value",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00:00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00",
        "2024-02-30T10:00:00Z",
        1369000000,
    ],
)
def test_timestamps_must_be_iso8601(key, value):
    rule = "XAPI-00123/timestamp-format" if key == "timestamp" else "Data-2.4.8.s3.b1/stored-format"
    expect_invalid(statement(**{key: value}), rule, f"/{key}")


@pytest.mark.parametrize(
    ("value", "valid_103", "valid_20"),
    [
        ("2013-05-18T05:32:34.804Z", True, True),
        ("2013-05-18T05:32:34.804+02:00", True, True),
        ("2008-09-15 15:53:00.601+00:00", True, True),
        ("2013-05-18t05:32:34z", True, True),
        ("2013-05-18T05:32:34.804", True, False),
        ("2013-05-18T05:32Z", True, False),
        ("2013-05-18T05:32:34,804Z", True, False),
        ("20130518T053234Z", True, False),
        ("2013-05-18T05:32:34+0200", True, False),
        ("2013-05-18T05:32:60Z", True, True),
        ("2013-05-18", False, False),
        ("2013-05-18T24:00:00Z", True, False),
    ],
)
def test_timestamp_forms_per_version(value, valid_103, valid_20):
    for version, valid in (("1.0.3", valid_103), ("2.0.0", valid_20)):
        document = statement(timestamp=value)
        if valid:
            validate_statement(document, version)
        else:
            rule = (
                "XAPI-00123/timestamp-format"
                if version == "1.0.3"
                else ("9274.1.1-s19/timestamp-rfc3339")
            )
            expect_invalid(document, rule, "/timestamp", version)


# --- batches and error objects -------------------------------------------------------------------


def test_batch_pointers_start_with_the_index():
    batch = [statement(), statement(actor={"mbox": "mailto:nope"})]
    with pytest.raises(StatementValidationError) as info:
        validate_statements(batch, "2.0.0")
    assert info.value.pointer == "/1/actor/mbox"
    assert info.value.rule == "XAPI-00038/mbox-format"


def test_batch_must_be_a_list():
    with pytest.raises(StatementValidationError) as info:
        validate_statements(statement())
    assert info.value.rule == "Communication-2.1.2/statement-batch"


def test_valid_batch_passes():
    validate_statements([statement(), full_statement()], "1.0.3")
    validate_statements([], "2.0.0")


def test_error_to_dict_has_the_documented_shape():
    with pytest.raises(StatementValidationError) as info:
        validate_statement(statement(actor={"mbox": "mailto:should.fail.com"}))
    assert info.value.to_dict() == {
        "error": "invalid statement",
        "rule": "XAPI-00038/mbox-format",
        "pointer": "/actor/mbox",
        "message": "mbox must be 'mailto:' and an e-mail address, not 'mailto:should.fail.com'.",
    }
    assert info.value.at("/4").pointer == "/4/actor/mbox"


def test_unknown_version_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_statement(statement(), "1.0.2")


def test_validation_does_not_modify_the_statement():
    document = full_statement()
    before = repr(document)
    validate_statement(document, "2.0.0")
    assert repr(document) == before


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/actor/name", None),
        ("/verb/display/en", None),
        ("/context", {"registration": None}),
        ("/object/definition/moreInfo", None),
    ],
)
def test_null_values_are_rejected(pointer, value):
    document = patched(statement(), pointer, value)
    expected = "/context/registration" if pointer == "/context" else pointer
    expect_invalid(document, "XAPI-00001/null-value", expected)
