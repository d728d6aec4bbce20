"""The ``:::name`` … ``:::`` block syntax: finding blocks with their lines, then rendering them."""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Protocol

from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor
from markdown.preprocessors import Preprocessor

from authoring.render_state import RenderState

OPENER = re.compile(r"^:::\s*(?P<name>[A-Za-z][\w-]*)(?:\s+(?P<args>.*?))?\s*$")
CLOSER = re.compile(r"^:::\s*$")
FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
MARKER = re.compile(r"^\x02atlas-(?P<what>block|open|close):(?P<index>\d+)\x03$")


@dataclass
class DirectiveBlock:
    """One ``:::name`` block as written: its name, arguments and numbered body lines."""

    name: str
    args: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    end_line: int | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return "\n".join(text for _, text in self.lines)


class BlockKind(Protocol):
    """What a block module provides to render its ``:::name`` blocks.

    ``markdown_body`` blocks leave their body in the document so Python-Markdown
    parses it (fenced code included) into the element :meth:`render` returns;
    the others receive the raw lines and build the element themselves. A kind may
    also list ``css_classes``: the classes its elements carry beyond the built-in
    content classes (the sanitizer drops every other class).
    """

    names: tuple[str, ...]
    markdown_body: bool

    def prepare(self, block: DirectiveBlock, state: RenderState) -> None:
        """Check the header and adjust body lines before Markdown sees them."""

    def render(
        self, block: DirectiveBlock, parser: BlockParser, state: RenderState
    ) -> etree.Element | None:
        """Return the element for the block; Markdown bodies are parsed into it after."""


def parse_attributes(
    block: DirectiveBlock, state: RenderState, allowed: tuple[str, ...]
) -> dict[str, str]:
    """Parse ``key=value`` arguments (values may be quoted) and report unknown keys."""
    try:
        words = shlex.split(block.args or "")
    except ValueError:
        state.sink.error(block.line, 1, "block-args", f"unbalanced quotes in ':::{block.name}'")
        return {}
    result: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in allowed:
            state.sink.error(
                block.line, 1, "block-args",
                f"unknown argument '{word}' for ':::{block.name}' "
                f"(allowed: {', '.join(f'{name}=…' for name in allowed)})",
            )
            continue
        result[key] = value
    return result


class DirectivePreprocessor(Preprocessor):
    """Find ``:::`` blocks while line numbers still match the file.

    Runs before fenced code and raw HTML are stashed. Raw blocks are replaced
    by one marker line; Markdown blocks keep their body between an open and a
    close marker so the rest of the pipeline still parses it.
    """

    def __init__(self, md, extension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        state: RenderState = self.extension.state
        blocks = self.extension.directives
        first = state.locator.first_line
        out: list[str] = []
        current: DirectiveBlock | None = None
        fence: str | None = None
        for index, line in enumerate(lines):
            number = first + index
            fence_match = FENCE.match(line)
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                self._keep(current, number, line, out)
                continue
            if fence_match and (current is None or self._parses_markdown(current)):
                fence = fence_match.group(1)
                self._keep(current, number, line, out)
                continue
            opener = OPENER.match(line)
            if current is None and opener:
                current = DirectiveBlock(opener["name"], opener["args"] or "", number)
                continue
            if current is not None and opener:
                state.sink.error(
                    current.line, 1, "block-unclosed",
                    f"block ':::{current.name}' is not closed before the next block "
                    f"at line {number} (blocks do not nest)",
                )
                self._emit(current, blocks, out)
                current = DirectiveBlock(opener["name"], opener["args"] or "", number)
                continue
            if CLOSER.match(line):
                if current is None:
                    state.sink.error(
                        number, 1, "block-stray-close", "closing ':::' without an open block"
                    )
                else:
                    current.end_line = number
                    self._emit(current, blocks, out)
                    current = None
                continue
            self._keep(current, number, line, out)
        if current is not None:
            state.sink.error(
                current.line, 1, "block-unclosed",
                f"block ':::{current.name}' is never closed (add a line ':::')",
            )
            self._emit(current, blocks, out)
        return out

    def _kind(self, block: DirectiveBlock) -> BlockKind | None:
        return self.extension.kinds.get(block.name)

    def _parses_markdown(self, block: DirectiveBlock) -> bool:
        kind = self._kind(block)
        return kind is None or kind.markdown_body

    @staticmethod
    def _keep(current: DirectiveBlock | None, number: int, line: str, out: list[str]) -> None:
        if current is None:
            out.append(line)
        else:
            current.lines.append((number, line))

    def _emit(self, block: DirectiveBlock, blocks: list[DirectiveBlock], out: list[str]) -> None:
        state: RenderState = self.extension.state
        kind = self._kind(block)
        if kind is None:
            known = ", ".join(sorted(self.extension.kinds))
            state.sink.error(
                block.line, 1, "block-unknown", f"unknown block ':::{block.name}' (known: {known})"
            )
            return
        kind.prepare(block, state)
        state.blocks.append({"name": block.name, "line": block.line,
                             "id": block.attributes.get("id", ""),
                             "src": block.attributes.get("src", "")})
        index = len(blocks)
        blocks.append(block)
        if kind.markdown_body:
            out.extend(["", f"\x02atlas-open:{index}\x03", ""])
            out.extend(text for _, text in block.lines)
            out.extend(["", f"\x02atlas-close:{index}\x03", ""])
        else:
            out.extend(["", f"\x02atlas-block:{index}\x03", ""])


class DirectiveProcessor(BlockProcessor):
    """Turn the markers left by :class:`DirectivePreprocessor` into elements."""

    def __init__(self, parser: BlockParser, extension):
        super().__init__(parser)
        self.extension = extension

    def test(self, parent: etree.Element, block: str) -> bool:
        match = MARKER.match(block.strip())
        return bool(match) and match["what"] != "close"

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = MARKER.match(blocks.pop(0).strip())
        index = int(match["index"])
        block = self.extension.directives[index]
        kind = self.extension.kinds[block.name]
        element = kind.render(block, self.parser, self.extension.state)
        if match["what"] == "open":
            body: list[str] = []
            closing = f"\x02atlas-close:{index}\x03"
            while blocks:
                candidate = blocks.pop(0)
                if candidate.strip() == closing:
                    break
                body.append(candidate)
            if element is not None:
                target = element.find(".//*[@data-body]")
                if target is None:
                    target = element
                else:
                    del target.attrib["data-body"]
                self.parser.parseBlocks(target, body)
        if element is not None:
            parent.append(element)
