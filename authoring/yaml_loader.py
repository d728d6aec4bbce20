"""YAML loading that remembers where each key and item stood, for file:line:column errors."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from authoring.diagnostic import DiagnosticSink


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the YAML text."""

    line: int
    column: int


class LocatedMap(dict):
    """A mapping that also knows the position of itself, its keys and its values."""

    start: Position = Position(1, 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_positions: dict = {}
        self.value_positions: dict = {}

    def key_position(self, key) -> Position:
        return self.key_positions.get(key, self.start)

    def value_position(self, key) -> Position:
        return self.value_positions.get(key, self.key_position(key))


class LocatedList(list):
    """A sequence that also knows the position of each item."""

    start: Position = Position(1, 1)

    def __init__(self, *args):
        super().__init__(*args)
        self.positions: list[Position] = []

    def position(self, index: int) -> Position:
        return self.positions[index] if index < len(self.positions) else self.start


@dataclass
class _Duplicates:
    found: list[tuple[object, Position]] = field(default_factory=list)


def _position(mark, line_offset: int) -> Position:
    return Position(mark.line + 1 + line_offset, mark.column + 1)


class _LocatingLoader(yaml.SafeLoader):
    """``yaml.safe_load``'s loader building located containers; it constructs nothing more."""

    line_offset = 0


class _FastLocatingLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same on libyaml's parser, about ten times faster; used while the YAML is valid."""

    line_offset = 0


def _construct_map(loader: _LocatingLoader, node: yaml.MappingNode):
    data = LocatedMap()
    data.start = _position(node.start_mark, loader.line_offset)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found an unhashable key", key_node.start_mark,
            ) from exc
        if key in data:
            position = _position(key_node.start_mark, loader.line_offset)
            loader.duplicates.found.append((key, position))
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_positions[key] = _position(key_node.start_mark, loader.line_offset)
        data.value_positions[key] = _position(value_node.start_mark, loader.line_offset)


def _construct_seq(loader: _LocatingLoader, node: yaml.SequenceNode):
    data = LocatedList()
    data.start = _position(node.start_mark, loader.line_offset)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.positions.append(_position(item.start_mark, loader.line_offset))


for _loader in (_LocatingLoader, _FastLocatingLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
    _loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def _load(loader_class, text: str, line_offset: int) -> tuple[object, _Duplicates]:
    loader = loader_class(text)
    loader.line_offset = line_offset
    loader.duplicates = _Duplicates()
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def load_yaml(text: str, sink: DiagnosticSink, line_offset: int = 0) -> object | None:
    """Parse ``text`` like ``yaml.safe_load`` and report problems to ``sink``.

    Syntax errors become one diagnostic at the line PyYAML names; duplicate
    keys (which PyYAML silently lets win) become errors too. Invalid YAML is
    parsed again by the pure-Python parser so messages do not depend on
    whether libyaml is installed.

    :param line_offset: lines above the YAML text in its file (front matter).
    :return: the data with :class:`LocatedMap`/:class:`LocatedList` containers,
        or ``None`` when the text could not be parsed.
    """
    try:
        data, duplicates = _load(_FastLocatingLoader, text, line_offset)
    except yaml.YAMLError:
        try:
            data, duplicates = _load(_LocatingLoader, text, line_offset)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 + line_offset if mark else 1 + line_offset
            column = mark.column + 1 if mark else 1
            problem = exc.problem or exc.context or "invalid YAML"
            sink.error(line, column, "yaml-syntax", f"invalid YAML: {problem}")
            return None
        except yaml.YAMLError as exc:
            sink.error(1 + line_offset, 1, "yaml-syntax", f"invalid YAML: {exc}")
            return None
    for key, pos in duplicates.found:
        sink.error(pos.line, pos.column, "yaml-duplicate-key", f"duplicate key '{key}'")
    return data
