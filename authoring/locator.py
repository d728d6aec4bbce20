"""Finding where a fact from the rendered tree came from in the Markdown source."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


class SourceLocator:
    """Map facts found in the Markdown tree back to ``line:column`` in the source.

    Python-Markdown keeps no positions, so the nth request for a needle is
    answered with the nth occurrence of that needle in the source, skipping
    fenced code. Facts arrive in document order, which makes this exact for
    everything but text repeated inside code spans.

    :param lines: the lesson body lines.
    :param first_line: the file line number of ``lines[0]``.
    """

    def __init__(self, lines: list[str], first_line: int):
        self.lines = lines
        self.first_line = first_line
        self._asked: dict[str, int] = {}
        self._prose = self._prose_lines(lines)

    @staticmethod
    def _prose_lines(lines: list[str]) -> list[int]:
        prose, fence = [], None
        for index, line in enumerate(lines):
            match = _FENCE.match(line)
            if fence is None and match:
                fence = match.group(1)[0] * len(match.group(1))
            elif fence is not None and line.strip().startswith(fence):
                fence = None
            elif fence is None:
                prose.append(index)
        return prose

    def find(
        self, needle: str, anchor: str | None = None, fallback: str | None = None
    ) -> tuple[int, int]:
        """Return the position of the next occurrence of ``needle``.

        :param anchor: when given, report the column of the last ``anchor``
            before the needle on the same line (``![`` for an image source).
        :param fallback: another spelling to look for when ``needle`` is not in
            the source (text a preprocessor changed).
        :return: the position, or the first body line when neither is found.
        """
        found = self._locate(needle, anchor)
        if found is None and fallback is not None:
            found = self._locate(fallback, anchor)
        return found or (self.first_line, 1)

    def _locate(self, needle: str, anchor: str | None) -> tuple[int, int] | None:
        wanted = self._asked.get(needle, 0)
        self._asked[needle] = wanted + 1
        seen = 0
        for index in self._prose:
            line = self.lines[index]
            start = line.find(needle)
            while start != -1:
                if seen == wanted:
                    column = start
                    if anchor is not None:
                        before = line.rfind(anchor, 0, start)
                        column = before if before != -1 else start
                    return self.first_line + index, column + 1
                seen += 1
                start = line.find(needle, start + 1)
        return None

    def line_text(self, line: int) -> str:
        index = line - self.first_line
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def heading_lines(self) -> list[int]:
        """Return the file line of every ATX (``##``) or setext heading, in order."""
        found = []
        prose = set(self._prose)
        for index in self._prose:
            line = self.lines[index]
            if re.match(r"^\s{0,3}#{1,6}(\s|$)", line):
                found.append(self.first_line + index)
            elif (
                line.strip()
                and index + 1 in prose
                and re.match(r"^\s{0,3}(=+|-+)\s*$", self.lines[index + 1])
                and not re.match(r"^\s{0,3}([-*+]\s|\d+[.)]\s|>|\|)", line)
                and (index == 0 or not self.lines[index - 1].strip())
            ):
                found.append(self.first_line + index)
        return found

    def table_lines(self) -> list[int]:
        """Return the file line of the header row of every pipe table, in order."""
        separator = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
        prose = set(self._prose)
        return [
            self.first_line + index
            for index in self._prose
            if "|" in self.lines[index]
            and index + 1 in prose
            and "|" in self.lines[index + 1]
            and separator.match(self.lines[index + 1])
        ]
