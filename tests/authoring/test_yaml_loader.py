"""YAML positions for diagnostics."""

from authoring.diagnostic import DiagnosticSink
from authoring.yaml_loader import load_yaml


def test_positions_of_keys_values_and_items():
    sink = DiagnosticSink("x.yml")
    data = load_yaml("id: kurs\nlist:\n  - a\n  - b\nmap:\n  de: Text\n", sink, line_offset=1)
    assert sink.items == []
    assert data.key_position("list").line == 3
    assert data["list"].position(1).line == 5
    assert data["list"].position(1).column == 5
    assert data["map"].value_position("de").line == 7


def test_duplicate_keys_are_errors():
    sink = DiagnosticSink("x.yml")
    load_yaml("a: 1\nb: 2\na: 3\n", sink)
    assert [d.format() for d in sink.items] == ["x.yml:3:1: error: duplicate key 'a'"]


def test_yaml_tags_are_not_constructed():
    sink = DiagnosticSink("x.yml")
    assert load_yaml("a: !!python/object/apply:os.system ['true']\n", sink) is None
    assert sink.items[0].code == "yaml-syntax"
