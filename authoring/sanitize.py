"""The HTML allowlist every rendered lesson passes through, and plain-text extraction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

# No form controls (input, button, select, textarea, form): a lesson could otherwise ask for
# a password in the platform's own look. The renderer's quiz gaps are put back after
# cleaning (see :meth:`authoring.render_state.RenderState.trust`).
TAGS = {
    "a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark",
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
    "div": {"data-question-id", "data-kind", "data-points"},
    "video": {"src", "controls", "preload", "poster"},
    "audio": {"src", "controls", "preload"},
    "track": {"src", "kind", "srclang", "label", "default"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

#: The classes the renderer itself emits (blocks, glossary, lesson links, Python-Markdown's
#: footnotes and table of contents). Any other class is dropped, so a lesson cannot dress
#: text up as the platform's own interface (``flash-error``, ``button``, ``nav`` …).
CONTENT_CLASSES = frozenset({
    "quiz-question", "quiz-stem", "quiz-gap", "glossary-term", "lesson-link", "bare-url",
    "download", "download-link", "transcript", "media", "callout", "callout-title",
    "footnote", "footnote-ref", "footnote-backref", "toc",
})
#: Fenced code blocks carry ``language-<name>`` on ``<code>``.
_CODE_LANGUAGE = re.compile(r"^language-[A-Za-z0-9_+#.-]{1,40}$")
#: Attributes holding the URL of something the browser loads by itself.
_SOURCE_ATTRIBUTES = {"src", "poster"}


@dataclass(frozen=True)
class SanitizePolicy:
    """What a lesson may contain beyond the fixed allowlist.

    :param content_classes: classes kept on elements (blocks add their own).
    :param image_hosts: hosts images and media may be loaded from (``"*"``: any host);
        empty means only files of the course. The LMS passes its operator setting here.
    """

    content_classes: frozenset[str] = CONTENT_CLASSES
    image_hosts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, extra_classes: Iterable[str] = (),
              image_hosts: Iterable[str] = ()) -> SanitizePolicy:
        return cls(CONTENT_CLASSES | frozenset(extra_classes),
                   frozenset(host.strip().lower() for host in image_hosts if host.strip()))

    def allows_source(self, url: str) -> bool:
        """Tell whether the browser may load ``url`` for an image, video, audio or track.

        Course files (relative paths) always; ``http(s)`` URLs only from allowed hosts.
        A leading ``/`` or ``\\`` is refused: browsers read ``/\\host`` as another host.
        """
        value = url.strip()
        if not value:
            return True
        if value[0] in "/\\" or any(ord(char) < 0x20 for char in value):
            return False
        if ":" not in value.split("/", 1)[0]:
            return True  # relative: a file of the course
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return False
        return "*" in self.image_hosts or parts.hostname.lower() in self.image_hosts


DEFAULT_POLICY = SanitizePolicy()


@dataclass
class Sanitizer:
    """An nh3 cleaner for one policy; remembers the sources it refused in the last call.

    Like :class:`authoring.parser.LessonRenderer`, use one per thread.
    """

    policy: SanitizePolicy = DEFAULT_POLICY
    refused_sources: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._cleaner = nh3.Cleaner(
            tags=TAGS,
            clean_content_tags={"script", "style"},
            attributes=ATTRIBUTES,
            attribute_filter=self._filter,
            url_schemes=URL_SCHEMES,
            strip_comments=True,
            link_rel="noopener noreferrer",
        )

    def _filter(self, element: str, attribute: str, value: str) -> str | None:
        if attribute == "class":
            kept = [name for name in value.split()
                    if name in self.policy.content_classes
                    or (element == "code" and _CODE_LANGUAGE.match(name))]
            return " ".join(kept) or None
        if attribute in _SOURCE_ATTRIBUTES and not self.policy.allows_source(value):
            self.refused_sources.append(value)
            return None
        return value

    def clean(self, html: str) -> str:
        """Return ``html`` with everything outside the allowlist removed."""
        self.refused_sources = []
        return self._cleaner.clean(html)


_DEFAULT = Sanitizer()


def sanitize_html(html: str, policy: SanitizePolicy | None = None) -> str:
    """Return ``html`` with everything outside the allowlist removed.

    Trainers write Markdown that may contain raw HTML; the allowlist keeps
    scripts, event handlers, ``style``, form controls, the platform's own classes
    and ``javascript:``/``data:`` URLs out. ``data:`` images are refused too: course
    images are files in ``media/``; external ones only from ``policy.image_hosts``.
    """
    sanitizer = _DEFAULT if policy is None or policy == DEFAULT_POLICY else Sanitizer(policy)
    return sanitizer.clean(html)


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
