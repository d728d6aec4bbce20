"""The ``:::`` block kinds and the Markdown extensions that render a lesson."""

from __future__ import annotations

from authoring.blocks.callout import Callout
from authoring.blocks.directive import BlockKind, DirectiveBlock
from authoring.blocks.download import DownloadBlock
from authoring.blocks.media import MediaBlock
from authoring.blocks.quiz import CheckBlock, OpenBlock, QuizBlock

__all__ = ["BlockKind", "DirectiveBlock", "default_blocks"]


def default_blocks() -> dict[str, BlockKind]:
    """Return the built-in block kinds by name.

    A fresh dict each time, so the LMS can add plugin blocks to its copy
    without changing what other callers get.
    """
    kinds: dict[str, BlockKind] = {}
    for kind in (Callout(), QuizBlock(), CheckBlock(), OpenBlock(), MediaBlock(), DownloadBlock()):
        for name in kind.names:
            kinds[name] = kind
    return kinds
