"""The HTML allowlist every rendered lesson passes through, and plain-text extraction."""

from __future__ import annotations

from html.parser import HTMLParser

import nh3

TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark",
    "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
    "video", "audio", "track",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "download", "data-lesson-id"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "abbr": set(),
    "input": {"type", "data-gap-id", "aria-label", "autocomplete", "inputmode"},
    "div": {"data-question-id", "data-kind", "data-points", "role"},
    "video": {"src", "controls", "preload", "poster"},
    "audio": {"src", "controls", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    strip_comments=True,
    link_rel="noopener noreferrer",
)


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the allowlist removed.

    Trainers write Markdown that may contain raw HTML; the allowlist keeps
    scripts, event handlers, ``style`` and ``javascript:``/``data:`` URLs out.
    ``data:`` images are refused too: course images are files in ``media/``.
    """
    return _CLEANER.clean(html)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Return the visible text of an HTML fragment with whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())
