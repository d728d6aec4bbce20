"""Diagnostics: what the validator reports, with file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about a course source, pointing at ``path:line:column``.

    Ordered by position so that reports read top to bottom, file by file.
    """

    path: str
    line: int
    column: int
    severity: str
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """Return the compiler-style line editors and CI logs understand."""
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def __str__(self) -> str:
        return self.format()

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        return cls(**data)


@dataclass
class DiagnosticSink:
    """Collects diagnostics for one file so readers need not pass the path around.

    :param path: the path printed in every diagnostic.
    """

    path: str
    items: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: str, line: int, column: int, code: str, message: str) -> None:
        self.items.append(
            Diagnostic(self.path, max(line, 1), max(column, 1), severity, code, message)
        )

    def error(self, line: int, column: int, code: str, message: str) -> None:
        self.add(ERROR, line, column, code, message)

    def warning(self, line: int, column: int, code: str, message: str) -> None:
        self.add(WARNING, line, column, code, message)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """Tell whether any diagnostic blocks publishing."""
    return any(d.is_error for d in diagnostics)


def summarize(diagnostics: list[Diagnostic]) -> str:
    """Return e.g. ``2 errors, 1 warning`` for the end of a report."""
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    return (
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
