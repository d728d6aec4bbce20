"""Video and audio blocks with captions and transcripts: ``:::video src=… captions=…``."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree

from markdown.blockparser import BlockParser

from authoring.blocks.directive import DirectiveBlock, parse_attributes
from authoring.course_paths import course_path
from authoring.render_state import RenderState

TRANSCRIPT_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?:Transkript|Transcript)(?:\*\*|__)?\s*:(?:\*\*|__)?\s*", re.IGNORECASE
)
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
SUMMARY = {"de": "Transkript", "en": "Transcript"}
FALLBACK = {
    "de": "Ihr Browser kann diese Datei nicht abspielen: ",
    "en": "Your browser cannot play this file: ",
}


def checked_path(
    block: DirectiveBlock, state: RenderState, key: str, kind: str
) -> str | None:
    """Normalise the ``key=`` path of a block, report problems, and record the file."""
    value = block.attributes.get(key)
    if value is None:
        return None
    path, problem = course_path(value)
    if problem:
        state.sink.error(
            block.line, 1, "media-path", f"':::{block.name}' {key} '{value}' {problem}"
        )
        return None
    state.add_media(path, kind, block.line, 1)
    return path


class MediaBlock:
    """``:::video`` and ``:::audio``: a player, its caption track and a transcript.

    The body is the transcript (an optional ``Transkript:`` label is dropped);
    captions or a transcript are required so that deaf learners are not shut out.
    """

    names = ("video", "audio")
    markdown_body = True
    css_classes = ("media-video", "media-audio")

    def prepare(self, block: DirectiveBlock, state: RenderState) -> None:
        allowed = ("src", "captions", "poster", "title") if block.name == "video" else (
            "src", "captions", "title"
        )
        block.attributes = parse_attributes(block, state, allowed)
        if "src" not in block.attributes:
            state.sink.error(
                block.line, 1, "media-src-missing", f"':::{block.name}' needs src=media/…"
            )
        block.attributes["src"] = checked_path(block, state, "src", block.name) or ""
        captions = checked_path(block, state, "captions", "captions")
        if captions and not captions.endswith(".vtt"):
            state.sink.error(
                block.line, 1, "media-captions-format",
                f"captions '{captions}' must be a WebVTT file (.vtt)",
            )
        block.attributes["captions"] = captions or ""
        block.attributes["poster"] = checked_path(block, state, "poster", "poster") or ""
        for index, (number, text) in enumerate(block.lines):
            if text.strip():
                block.lines[index] = (number, TRANSCRIPT_LABEL.sub("", text, count=1))
                break
        block.attributes["transcript"] = "yes" if block.body.strip() else ""
        if not captions and not block.attributes["transcript"]:
            state.sink.error(
                block.line, 1, "media-no-alternative",
                f"':::{block.name}' needs captions=….vtt or a transcript "
                "(Transkript: …) for learners who cannot hear it",
            )

    def render(
        self, block: DirectiveBlock, parser: BlockParser, state: RenderState
    ) -> etree.Element:
        attrs = block.attributes
        language = state.language
        figure = etree.Element("figure", {"class": f"media media-{block.name}"})
        player = etree.SubElement(
            figure, block.name, {"controls": "controls", "preload": "metadata", "src": attrs["src"]}
        )
        if attrs.get("poster"):
            player.set("poster", attrs["poster"])
        if attrs.get("captions"):
            parts = posixpath.basename(attrs["captions"]).split(".")
            track_language = parts[-2] if len(parts) >= 3 and len(parts[-2]) == 2 else language
            etree.SubElement(
                player, "track",
                {
                    "kind": "captions",
                    "src": attrs["captions"],
                    "srclang": track_language,
                    "label": LANGUAGE_NAMES.get(track_language, track_language),
                    "default": "default",
                },
            )
        notice = FALLBACK.get(language, FALLBACK["de"])
        if len(player):
            player[-1].tail = notice
        else:
            player.text = notice
        fallback = etree.SubElement(player, "a", {"href": attrs["src"], "download": "download"})
        fallback.text = posixpath.basename(attrs["src"])
        if attrs.get("title"):
            caption = etree.SubElement(figure, "figcaption")
            caption.text = attrs["title"]
        if attrs.get("transcript"):
            details = etree.SubElement(figure, "details", {"class": "transcript"})
            summary = etree.SubElement(details, "summary")
            summary.text = SUMMARY.get(language, SUMMARY["de"])
            etree.SubElement(details, "div", {"data-body": "yes"})
        return figure
