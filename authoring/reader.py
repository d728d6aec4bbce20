"""Typed reading of YAML mappings: required fields, types, choices and unknown keys."""

from __future__ import annotations

import datetime
from typing import Any

from authoring.diagnostic import DiagnosticSink
from authoring.ids import is_valid_id
from authoring.model import LocalizedList, LocalizedText
from authoring.yaml_loader import LocatedList, LocatedMap, Position

_MISSING = object()


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a yes/no value (quote it if you mean text)"
    if isinstance(value, int | float):
        return "a number (quote it if you mean text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"a {type(value).__name__} (quote it if you mean text)"


class FieldReader:
    """Read the fields of one YAML mapping and report what is wrong with them.

    Every accessor records the key as known; :meth:`finish` then warns about
    keys nobody asked for, which catches typos like ``pass-mark``.

    :param data: the mapping from :func:`authoring.yaml_loader.load_yaml`.
    :param sink: where diagnostics go.
    :param where: how messages name the mapping, e.g. ``course.yml`` or ``front matter``.
    """

    def __init__(self, data: Any, sink: DiagnosticSink, where: str):
        self.sink = sink
        self.where = where
        if not isinstance(data, dict):
            start = getattr(data, "start", Position(1, 1))
            if data is not None:
                sink.error(start.line, start.column, "yaml-type", f"{where} must be a mapping")
            data = LocatedMap()
        self.data: LocatedMap = data if isinstance(data, LocatedMap) else LocatedMap(data)
        self.known: set[str] = set()

    # --- positions -----------------------------------------------------------

    def position(self, key: str) -> Position:
        if key in self.data:
            return self.data.value_position(key)
        return self.data.start

    def _error(self, key: str, code: str, message: str) -> None:
        pos = self.position(key)
        self.sink.error(pos.line, pos.column, code, message)

    def _get(self, key: str, required: bool) -> Any:
        self.known.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                start = self.data.start
                self.sink.error(
                    start.line, start.column, "missing-field",
                    f"{self.where} is missing the required field '{key}'",
                )
            return _MISSING
        return value

    # --- accessors -----------------------------------------------------------

    def raw(self, key: str, required: bool = False) -> Any:
        value = self._get(key, required)
        return None if value is _MISSING else value

    def text(self, key: str, required: bool = False, default: str | None = None) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self._error(key, "field-type", f"'{key}' must be text, got {_kind_of(value)}")
            return default
        if required and not value.strip():
            self._error(key, "missing-field", f"'{key}' must not be empty")
        return value.strip()

    def identifier(self, key: str) -> str | None:
        value = self.text(key, required=True)
        if value is not None and value and not is_valid_id(value):
            self._error(
                key, "invalid-id",
                f"'{key}' must use lowercase letters, digits and hyphens, got '{value}'",
            )
        return value

    def integer(
        self, key: str, required: bool = False, default: int | None = None,
        minimum: int | None = None, maximum: int | None = None,
    ) -> int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._error(key, "field-type", f"'{key}' must be a whole number, got {value!r}")
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            self._error(key, "field-range", f"'{key}' must be {bounds}, got {value}")
            return default
        return value

    def number(self, key: str, default: float | None = None) -> float | None:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self._error(key, "field-type", f"'{key}' must be a positive number, got {value!r}")
            return default
        return value

    def date(self, key: str) -> datetime.date | None:
        """Read a calendar date written as ``YYYY-MM-DD`` (YAML reads it as a date)."""
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            if isinstance(value, str):
                try:
                    return datetime.date.fromisoformat(value.strip())
                except ValueError:
                    pass
            self._error(key, "field-type", f"'{key}' must be a date YYYY-MM-DD, got {value!r}")
            return None
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self._error(key, "field-type", f"'{key}' must be true or false, got {value!r}")
            return default
        return value

    def choice(
        self, key: str, options: tuple[str, ...], required: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if value not in options:
            self._error(
                key, "unknown-value",
                f"unknown {key} '{value}' (expected one of: {', '.join(options)})",
            )
            return default
        return value

    def text_list(self, key: str, required: bool = False) -> list[str]:
        value = self._get(key, required)
        if value is _MISSING:
            return []
        return self._check_text_list(key, value, key)

    def _check_text_list(self, key: str, value: Any, label: str) -> list[str]:
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            self._error(key, "field-type", f"'{label}' must be a list of texts")
            return []
        items = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                items.append(item.strip())
                continue
            pos = value.position(index) if isinstance(value, LocatedList) else self.position(key)
            self.sink.error(
                pos.line, pos.column, "field-type",
                f"items of '{label}' must be text, got {_kind_of(item)}",
            )
        return items

    def localized(self, key: str, required: bool = False, default_language: str = "de"):
        """Read text given either plainly (default language) or per language."""
        value = self._get(key, required)
        if value is _MISSING:
            return LocalizedText()
        if isinstance(value, str):
            return LocalizedText({default_language: value.strip()})
        if not isinstance(value, dict):
            self._error(key, "field-type", f"'{key}' must be text or texts per language")
            return LocalizedText()
        result = LocalizedText()
        for language, text in value.items():
            if isinstance(text, str):
                result[str(language)] = text.strip()
            elif text is not None:
                pos = value.value_position(language) if isinstance(value, LocatedMap) else None
                pos = pos or self.position(key)
                self.sink.error(
                    pos.line, pos.column, "field-type",
                    f"'{key}.{language}' must be text, got {_kind_of(text)}",
                )
        if required and default_language not in result:
            self._error(key, "missing-field", f"'{key}' needs a '{default_language}' text")
        return result

    def localized_list(self, key: str, default_language: str = "de") -> LocalizedList:
        value = self._get(key, False)
        if value is _MISSING:
            return LocalizedList()
        if isinstance(value, list | str):
            return LocalizedList({default_language: self._check_text_list(key, value, key)})
        if not isinstance(value, dict):
            self._error(key, "field-type", f"'{key}' must be a list or lists per language")
            return LocalizedList()
        return LocalizedList(
            {
                str(language): self._check_text_list(key, items, f"{key}.{language}")
                for language, items in value.items()
                if items is not None
            }
        )

    def mapping(self, key: str, where: str | None = None) -> FieldReader | None:
        value = self._get(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self._error(key, "field-type", f"'{key}' must be a mapping")
            return None
        return FieldReader(value, self.sink, where or f"'{key}'")

    def finish(self) -> None:
        """Warn about every key no accessor asked for."""
        for key in self.data:
            if key not in self.known:
                pos = self.data.key_position(key)
                self.sink.warning(
                    pos.line, pos.column, "unknown-field", f"unknown field '{key}' in {self.where}"
                )
