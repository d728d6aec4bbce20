"""Statement equivalence (Data 2.3.1): what may differ and what may not."""

import copy

import pytest

from xapi.comparison import statements_equivalent

from .samples import agent, full_statement, statement


def changed(document, change):
    other = copy.deepcopy(document)
    change(other)
    return other


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.pop("stored"),
        lambda s: s.update(authority={"mbox": "mailto:other@example.com"}),
        lambda s: s.update(version="1.0.3"),
        lambda s: s.pop("id"),
        lambda s: s.update(timestamp="2013-05-18T07:32:34.8049+02:00"),
        lambda s: s.update(id=s["id"].upper()),
        lambda s: s["actor"]["member"].reverse(),
        lambda s: s["verb"].update(display={"de": "teilgenommen"}),
        lambda s: s["object"].pop("definition"),
        lambda s: s["object"].pop("objectType"),
        lambda s: s["context"]["contextActivities"].update(
            other=[s["context"]["contextActivities"]["other"]]
        ),
        lambda s: s["context"]["team"].update(mbox="mailto:teampb@EXAMPLE.com"),
        lambda s: s["context"].update(language="TLH"),
    ],
)
def test_differences_the_lrs_may_introduce_are_ignored(change):
    document = full_statement()
    assert statements_equivalent(document, changed(document, change))


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["actor"].update(mbox="mailto:TeamPB@example.com"),
        lambda s: s["verb"].update(id="http://adlnet.gov/expapi/verbs/completed"),
        lambda s: s["result"].update(success=False),
        lambda s: s["result"].update(duration="PT60M"),
        lambda s: s["result"]["score"].update(raw=96),
        lambda s: s.update(timestamp="2013-05-18T05:32:35.804Z"),
        lambda s: s["context"].update(registration="ec531277-b57b-4c15-8d91-d292c5b2b8f8"),
        lambda s: s["context"]["contextActivities"].pop("parent"),
        lambda s: s["attachments"][0].update(length=28),
        lambda s: s.pop("attachments"),
        lambda s: s["actor"]["member"].append(agent(mbox="mailto:new@example.com")),
    ],
)
def test_real_differences_count(change):
    document = full_statement()
    assert not statements_equivalent(document, changed(document, change))


def test_duration_precision_beyond_hundredths_is_ignored():
    first = statement(result={"duration": "PT1.2345S"})
    second = statement(result={"duration": "PT1.23S"})
    assert statements_equivalent(first, second)
    assert not statements_equivalent(first, statement(result={"duration": "PT1.24S"}))


def test_substatements_are_compared_deeply():
    sub = {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": "http://x.org/v"},
        "object": {"id": "http://x.org/a"},
        "timestamp": "2024-01-01T00:00:00Z",
    }
    same = dict(sub, timestamp="2024-01-01T01:00:00+01:00")
    other = dict(sub, verb={"id": "http://x.org/w"})
    assert statements_equivalent(statement(object=sub), statement(object=same))
    assert not statements_equivalent(statement(object=sub), statement(object=other))
