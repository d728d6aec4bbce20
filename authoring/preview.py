"""A small local preview of a course folder, re-read on every request."""

from __future__ import annotations

import html
import logging
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from authoring.build import load_course
from authoring.cache import MemoryCache
from authoring.diagnostic import Diagnostic
from authoring.media_file import media_type
from authoring.model import Course, Lesson, Question

logger = logging.getLogger(__name__)

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}
.callout{border-left:4px solid #36c;padding:.2rem 1rem;margin:1rem 0;background:#f4f7fd}
.callout-warning,.callout-safety{border-color:#c30;background:#fdf3f0}
.callout-title{font-weight:bold} figure{margin:1rem 0} img,video{max-width:100%}
.quiz-question{border:1px dashed #999;padding:.5rem 1rem;margin:1rem 0}
.solution{background:#f3f9f1;border:1px solid #9c9;padding:.5rem 1rem;margin:.5rem 0}
.diagnostics{background:#fff4e5;padding:.5rem 1rem;font:13px monospace;white-space:pre-wrap}
table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.2rem .5rem}
"""


def _page(title: str, body: str) -> bytes:
    return (
        f"<!doctype html><html lang=de><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style><body>{body}</body></html>"
    ).encode()


def _diagnostics(diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return ""
    lines = "\n".join(html.escape(d.format()) for d in diagnostics)
    return f"<div class=diagnostics>{lines}</div>"


def _solution(question: Question) -> str:
    """Show trainers what the learner never sees: the solution of each question."""
    parts = [f"<b>{html.escape(question.id)}</b> ({question.kind}, {question.points} P.)<ul>"]
    for choice in question.choices:
        mark = "✔ " if choice.is_correct else ""
        parts.append(f"<li>{mark}{choice.text} {choice.feedback}</li>")
    for pair in question.pairs:
        parts.append(f"<li>{pair.left.text} → {pair.right.text} {pair.right.feedback}</li>")
    for gap in question.gaps:
        parts.append(f"<li>{gap.id}: {html.escape(' | '.join(gap.answers))}</li>")
    if question.numeric:
        n = question.numeric
        parts.append(f"<li>{n.value:g} ± {n.tolerance:g} {html.escape(n.unit)}</li>")
    if question.answer is not None:
        parts.append(f"<li>{'wahr' if question.answer else 'falsch'} {question.feedback}</li>")
    if question.kind == "open":
        upload = {"optional": "Foto/PDF optional", "required": "Foto/PDF erforderlich"}.get(
            question.upload, "ohne Datei")
        parts.append(f"<li>offene Frage, von Hand bewertet ({upload})</li>")
        if question.rubric:
            parts.append(f"<li>Bewertungshinweis: {question.rubric}</li>")
    parts.append("</ul>")
    if question.answer is None and question.feedback:
        parts.append(question.feedback)
    parts.append(question.explanation)
    return f"<div class=solution>{''.join(parts)}</div>"


def render_index(course: Course, diagnostics: list[Diagnostic]) -> bytes:
    items = []
    for module in course.modules:
        links = "".join(
            f"<li><a href='{lesson.id}'>{html.escape(lesson.title())}</a> ({lesson.kind})"
            + "".join(f" <a href='{lesson.id}?lang={lang}'>[{lang}]</a>"
                      for lang in sorted(lesson.content) if lang != "de")
            + "</li>"
            for lesson in module.lessons
        )
        items.append(f"<h2>{html.escape(module.title.text())}</h2><ul>{links}</ul>")
    body = f"<h1>{html.escape(course.title.text())}</h1>{_diagnostics(diagnostics)}"
    return _page(course.title.text() or "Kurs", body + "".join(items))


def render_lesson(course: Course, lesson: Lesson, language: str,
                  diagnostics: list[Diagnostic]) -> bytes:
    content = lesson.variant(language)
    mine = [d for d in diagnostics if d.path.endswith(content.source)]
    solutions = "".join(_solution(q) for q in content.questions)
    glossary = "".join(
        f"<dt id='glossary-{term.slug}'>{html.escape(term.term)}</dt>"
        f"<dd>{term.definition_html.text(language)}</dd>"
        for term in course.glossary if term.slug in content.glossary
    )
    body = (
        f"<p><a href='./'>← {html.escape(course.title.text(language))}</a></p>"
        f"{_diagnostics(mine)}{content.html}"
        + (f"<h2>Lösungen (nur Vorschau)</h2>{solutions}" if solutions else "")
        + (f"<h2>Glossar</h2><dl>{glossary}</dl>" if glossary else "")
    )
    return _page(content.title, body)


def make_handler(root: Path):
    """Return a request handler class serving the course folder at ``root``."""
    cache = MemoryCache()

    class PreviewHandler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            path = unquote(url.path).lstrip("/")
            if path.startswith("media/"):
                self._media(path)
                return
            course, diagnostics = load_course(root, cache)
            if not path:
                self._send(200, render_index(course, diagnostics))
                return
            lesson = course.lesson(path)
            if lesson is None:
                self._send(404, _page("Nicht gefunden", "<h1>Nicht gefunden</h1>"))
                return
            language = parse_qs(url.query).get("lang", ["de"])[0]
            self._send(200, render_lesson(course, lesson, language, diagnostics))

        def _media(self, path: str) -> None:
            file = (root / path).resolve()
            if not file.is_file() or (root / "media").resolve() not in file.parents:
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, file.read_bytes(), media_type(path))

        def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            logger.info("%s - %s", self.address_string(), format % args)

    return PreviewHandler


def serve(path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve the course folder at ``path`` until interrupted.

    Lessons live at ``/<lesson-id>`` and files at ``/media/…``, the same
    relative layout the LMS uses, so links and images resolve as they will there.
    """
    server = HTTPServer((host, port), make_handler(Path(path)))
    logger.info("previewing %s at http://%s:%s/", path, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
