"""Document structure: heading levels, table headers, and the anchors a lesson offers."""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class StructureTreeprocessor(Treeprocessor):
    """Check that headings start at level 1 and never skip, and that tables have headers.

    Screen-reader users navigate by headings and table headers, so both are
    accessibility errors rather than matters of taste.
    """

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        state = self.extension.state
        self._headings(root)
        self._tables(root)
        state.anchors.extend(element.get("id") for element in root.iter() if element.get("id"))

    def _headings(self, root: etree.Element) -> None:
        state = self.extension.state
        lines = state.locator.heading_lines()
        previous = 0
        for index, heading in enumerate(e for e in root.iter() if e.tag in HEADINGS):
            level = int(heading.tag[1])
            line = lines[index] if index < len(lines) else state.locator.first_line
            text = " ".join("".join(heading.itertext()).split())
            state.headings.append({"level": level, "text": text, "line": line})
            if previous == 0 and level != 1:
                state.sink.error(
                    line, 1, "heading-first",
                    f"the lesson must start with a level-1 heading ('# Title'), not h{level}",
                )
            elif previous and level > previous + 1:
                state.sink.error(
                    line, 1, "heading-skip",
                    f"heading level skipped: h{previous} is followed by h{level} "
                    f"(use {'#' * (previous + 1)})",
                )
            elif previous and level == 1:
                state.sink.warning(
                    line, 1, "heading-h1", "a lesson has only one level-1 heading"
                )
            previous = level
        if previous == 0:
            state.sink.error(
                state.locator.first_line, 1, "heading-first",
                "the lesson must start with a level-1 heading ('# Title')",
            )

    def _tables(self, root: etree.Element) -> None:
        state = self.extension.state
        lines = state.locator.table_lines()
        for index, table in enumerate(root.iter("table")):
            header = list(table.iter("th"))
            if not any("".join(cell.itertext()).strip() for cell in header):
                line = lines[index] if index < len(lines) else state.locator.first_line
                state.sink.error(
                    line, 1, "table-header", "table has an empty header row: name every column"
                )
        for paragraph in root.iter("p"):
            rows = (paragraph.text or "").strip().splitlines()
            if len(paragraph) == 0 and len(rows) >= 2 and all(
                row.strip().startswith("|") and row.strip().endswith("|") for row in rows
            ):
                line, _ = state.locator.find(rows[0].strip())
                state.sink.error(
                    line, 1, "table-header",
                    "table has no header row: add a line like '|---|---|' below the first row",
                )
