"""Walk the demo platform as each role does, over real HTTP, and report what a person would trip on.

A fresh database gets the demo seed (``atlas demo seed``) and is served on 127.0.0.1. For each
role the crawler logs in through the real form, follows every same-site link from the start
page (breadth first, bounded), and for every page checks the status against the expectations
table, loads every image, stylesheet and script the page references (200 and a fitting content
type), and reads the server log for tracebacks. Then it switches to English through the footer
form, as a user does, revisits the same pages and looks for German UI words outside course
content.

Defects that are known and being fixed elsewhere are listed in ``KNOWN_DEFECTS``, each with its
item of issue 12; they are reported, not failed on. An entry that no longer matches anything
fails the test, so the list is emptied as the fixes land.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import dispose_engines, make_test_app
from tests.databases import fresh_database
from tests.live_server import ErrorLog, LiveServer, serve

MAX_PAGES = 400  # per role and language; the demo site has far fewer distinct pages today
MAX_DOWNLOAD = 1024 * 1024  # larger bodies are not read, only their status is checked
MAX_PER_ROUTE = 40  # pages of one route pattern (e.g. lessons) per role: enough to see each kind
ENGLISH_PER_ROUTE = 8  # the English pass reads UI text, which comes from the route's template

SEARCH_TERM = "Batterie"  # typed into search forms (q); the demo courses contain it
ROLES = ("anonymous", "learner", "trainer", "manager", "works_council", "admin")

# Links a person would not follow while looking around, or that act on a GET.
SKIP_LINKS = (
    re.compile(r"/logout\b"),
    re.compile(r"/sessions/\d+/checkin/[^/]+$"),  # a QR code's check-in link
    re.compile(r"/account/email/confirm/"),
    re.compile(r"/invitation/"),
    re.compile(r"/password/reset/"),
)

# Pages a role reaches by a link but must not see: (role, path pattern, status). The crawl
# follows only the links a role is shown, so today none is needed here; PROBES below asks
# for the pages each role must be refused.
EXPECTED_STATUS: tuple[tuple[str, str, int], ...] = ()

LOGIN = "login"  # a redirect to the login form
# What each role gets for pages it may or may not open, in the order of ROLES:
#  anonymous, learner, trainer, manager, works_council, admin
PROBES: dict[str, tuple] = {
    "/admin/users": (LOGIN, 403, 403, 403, 403, 200),
    "/admin/organisations": (LOGIN, 403, 403, 403, 403, 200),
    "/admin/organisations/1": (LOGIN, 404, 404, 200, 404, 200),  # the manager's own company
    "/admin/courses": (LOGIN, 403, 403, 403, 403, 200),
    "/admin/lrs": (LOGIN, 403, 403, 403, 403, 200),
    "/admin/certificates": (LOGIN, 403, 200, 403, 403, 200),
    "/studio": (LOGIN, 404, 200, 404, 404, 200),
    "/studio/e-mobility": (LOGIN, 404, 200, 404, 404, 200),
    "/courses/e-mobility/sessions": (LOGIN, 403, 200, 403, 403, 200),
    "/sessions/1/roster": (LOGIN, 403, 200, 403, 403, 200),
    "/company/employees": (LOGIN, 403, 403, 200, 403, 403),
    "/company/employees/4": (LOGIN, 403, 403, 200, 403, 403),
    "/company/api-tokens/": (LOGIN, 403, 403, 200, 403, 403),
    "/company/exports/": (LOGIN, 403, 403, 200, 403, 403),
    "/company/privacy": (LOGIN, 403, 403, 200, 200, 403),
    "/company/works-council": (LOGIN, 403, 403, 403, 200, 403),
    "/me/data": (LOGIN, 200, 200, 200, 200, 200),
    "/account": (LOGIN, 200, 200, 200, 200, 200),
    "/api/v1/people": (401, 401, 401, 401, 401, 401),  # the API takes tokens, not sessions
}

ASSET_TYPES = {
    "img": ("image/",),
    "icon": ("image/",),
    "stylesheet": ("text/css",),
    "script": ("text/javascript", "application/javascript"),
}


@dataclass(frozen=True)
class Known:
    """A defect the crawl finds on today's main, reported instead of failed on."""

    item: str  # the numbered defect of issue 12 it belongs to
    kind: str  # status | asset | traceback | german
    url: str  # regular expression searched in the page (or asset) path
    detail: str = ""  # regular expression searched in the finding's detail
    roles: tuple[str, ...] = ROLES


# Emptied by the lead as the fixes of issue 12 land on main.
KNOWN_DEFECTS: tuple[Known, ...] = ()


@dataclass
class Finding:
    role: str
    language: str
    kind: str
    url: str
    detail: str
    source: str = ""  # the page that linked or referenced it

    def line(self) -> str:
        origin = f" (from {self.source})" if self.source else ""
        return f"[{self.role}/{self.language}] {self.kind} {self.url}{origin}: {self.detail}"


@dataclass
class Page:
    status: int
    content_type: str
    body: bytes | None
    location: str = ""


# ---------------------------------------------------------------- HTML reading


class PageParser(HTMLParser):
    """Collect links, referenced assets, forms and the visible UI text of one page.

    Text inside course content is left out: elements with a ``lang`` other than the page's,
    ``data-content-lang``, one of ``CONTENT_CLASSES``, and code, textareas and option lists.
    """

    CONTENT_CLASSES = {"lesson-body", "glossary", "quiz-stem", "quiz-choices", "studio-preview",
                       "studio-solution-stem", "studio-feedback", "studio-explanation"}
    SKIPPED_TAGS = {"script", "style", "textarea", "code", "pre", "option", "template"}
    TEXT_INPUTS = {"hidden", "text", "search", "email", "password", "number", ""}
    TEXT_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        self.links: list[str] = []
        self.assets: list[tuple[str, str]] = []
        self.forms: list[dict] = []
        self.text: list[str] = []
        self.html_lang = ""
        self._stack: list[bool] = []  # per open element: is it (inside) excluded content?

    def _excluded(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.assets.append(("img", a["src"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(("script", a["src"]))
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower().split()
            if "stylesheet" in rel:
                self.assets.append(("stylesheet", a["href"]))
            elif "icon" in rel:
                self.assets.append(("icon", a["href"]))
        elif tag == "form":
            self.forms.append({"attrs": a, "fields": {}, "selects": set(),
                               "class": a.get("class", ""),
                               "method": a.get("method", "get").lower()})
        elif tag in {"input", "select"} and self.forms and a.get("name"):
            if tag == "select" or a.get("type", "text") in self.TEXT_INPUTS:
                self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))
            if tag == "select":
                self.forms[-1]["selects"].add(a["name"])
        if not self._excluded():  # what a screen reader or a tooltip says is UI text too
            self.text.extend(a[name] for name in self.TEXT_ATTRIBUTES if a.get(name))
            if tag == "input" and a.get("type") in {"submit", "button"} and a.get("value"):
                self.text.append(a["value"])
        if tag in self.VOID:
            return
        classes = set(a.get("class", "").split())
        lang = a.get("lang", "")
        excluded = (
            self._excluded()
            or tag in self.SKIPPED_TAGS
            or "data-content-lang" in a
            or bool(classes & self.CONTENT_CLASSES)
            or (tag != "html" and lang and not lang.startswith(self.page_language))
        )
        self._stack.append(excluded)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._excluded() and data.strip():
            self.text.append(data.strip())


# German words of the platform's own UI; none of them is an English word.
GERMAN_UI_WORDS = {
    "anmelden", "abmelden", "angemeldet", "kurs", "kurse", "kurses", "zurück", "weiter",
    "speichern", "einstellungen", "zertifikat", "zertifikate", "lernende", "lernenden",
    "lektion", "lektionen", "abschnitt", "termin", "termine", "teilnehmende", "mitarbeitende",
    "unternehmen", "datenschutz", "fortschritt", "sprache", "wechseln", "suchen", "keine",
    "noch", "und", "oder", "nicht", "für", "mit", "von", "der", "das", "ist", "sie", "ihre",
    "ihr", "stunden", "minuten", "gültig", "abgeschlossen", "bestanden", "veröffentlichen",
    "veröffentlicht", "entwurf", "zuweisungen", "betriebsrat", "herunterladen", "hinzufügen",
    "anzeigen", "übersicht", "meine", "mein", "daten", "passwort", "zugang", "benutzer",
    "bearbeiten", "löschen", "abbrechen", "erledigt", "prüfung", "anwesenheit", "seite",
    "zum", "zur", "inhalt", "springen", "lernen", "startseite", "hauptnavigation",
    "benutzerkonto", "konto", "beginnen", "fortsetzen", "abmeldung", "verwaltung",
    "gespeichert", "erstellt", "ausgestellt", "läuft", "ab", "ändern", "neue", "neuer",
}
WORD = re.compile(r"(?<![\w-])[A-Za-zÄÖÜäöüß][A-Za-zÄÖÜäöüß-]*(?![\w])")
ADDRESS = re.compile(r"\S+@\S+|\w+://\S+")  # e-mail addresses and URLs are names, not UI


def german_words(text: str, content: set[str]) -> list[str]:
    """Return each German UI word in ``text`` with its context, known content removed."""
    text = ADDRESS.sub(" ", text)
    for phrase in sorted(content, key=len, reverse=True):
        text = text.replace(phrase, " ")
    found = {}
    for match in WORD.finditer(text):
        word = match.group()
        if word.lower() in GERMAN_UI_WORDS and word not in found:
            start, end = max(0, match.start() - 30), match.end() + 30
            found[word] = f'{word} ("…{" ".join(text[start:end].split())}…")'
    return sorted(found.values())


# ---------------------------------------------------------------- HTTP as a browser does


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One person's browser: a cookie jar, no automatic redirects, bodies up to 1 MB."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def fetch(self, url: str, data: dict | None = None) -> Page:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.absolute(url), data=body,
                                         headers={"Accept-Language": "de-DE,de;q=0.9"})
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            length = int(response.headers.get("Content-Length") or 0)
            content = None if length > MAX_DOWNLOAD else response.read(MAX_DOWNLOAD + 1)
            if content is not None and len(content) > MAX_DOWNLOAD:
                content = None
            return Page(response.status if hasattr(response, "status") else response.code,
                        response.headers.get("Content-Type", ""), content,
                        response.headers.get("Location", ""))

    def absolute(self, url: str) -> str:
        return urllib.parse.urljoin(self.base + "/", url)

    def site_path(self, url: str, page_url: str) -> str | None:
        """The path and query of ``url`` if it is on this site, else None."""
        joined = urllib.parse.urljoin(self.absolute(page_url), url)
        parts = urllib.parse.urlsplit(joined)
        if parts.scheme not in {"http", "https"} or f"{parts.scheme}://{parts.netloc}" != self.base:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def submit(self, page_url: str, form: dict, **values) -> Page:
        fields = dict(form["fields"], **values)
        action = form["attrs"].get("action") or page_url
        return self.fetch(self.site_path(action, page_url), fields)


# ---------------------------------------------------------------- the crawl


@dataclass
class Crawl:
    role: str
    visitor: Visitor
    log: ErrorLog
    route_of: object  # path -> route pattern, to bound pages per pattern
    findings: list[Finding] = field(default_factory=list)
    pages: dict[str, int] = field(default_factory=dict)  # path -> status, in visiting order
    html_pages: list[str] = field(default_factory=list)
    asset_status: dict[str, str] = field(default_factory=dict)
    german_pages: int = 0  # pages whose German UI the word list recognises (self-check)

    def add(self, language, kind, url, detail, source=""):
        self.findings.append(Finding(self.role, language, kind, url, detail, source))

    def check_log(self, language, url):
        for text in self.log.drain():
            self.add(language, "traceback", url, text.splitlines()[0] + " … "
                     + " | ".join(text.splitlines()[-2:]))

    def expected_status(self, path: str) -> int | None:
        for role, pattern, status in EXPECTED_STATUS:
            if role in (self.role, "*") and re.search(pattern, path):
                return status
        return None

    def check_status(self, language, path, status, source):
        expected = self.expected_status(path)
        if expected is not None:
            if status != expected:
                self.add(language, "status", path, f"{status}, expected {expected}", source)
        elif not 200 <= status < 400:
            self.add(language, "status", path, f"{status}", source)

    def check_assets(self, language, path, parser):
        for kind, src in parser.assets:
            if src.startswith("data:"):
                continue
            asset = self.visitor.site_path(src, path)
            if asset is None:
                self.add(language, "asset", src, f"{kind} from another site", path)
                continue
            if asset not in self.asset_status:
                page = self.visitor.fetch(asset)
                self.check_log(language, asset)
                problem = ""
                if page.status != 200:
                    problem = f"{kind} answers {page.status}"
                elif not page.content_type.startswith(ASSET_TYPES[kind]):
                    problem = f"{kind} served as {page.content_type or 'no content type'}"
                self.asset_status[asset] = problem
            if self.asset_status[asset]:
                self.add(language, "asset", asset, self.asset_status[asset], path)

    def walk(self, language: str, start: str = "/") -> None:
        """Breadth first from ``start`` over same-site links, checking each page."""
        queue = deque([(start, "")])
        seen = {start}
        per_route: dict[str, int] = {}
        while queue and len(self.pages) < MAX_PAGES:
            path, source = queue.popleft()
            route = self.route_of(path)
            per_route[route] = per_route.get(route, 0) + 1
            if per_route[route] > MAX_PER_ROUTE:
                continue
            page = self.visitor.fetch(path)
            self.pages[path] = page.status
            self.check_log(language, path)
            self.check_status(language, path, page.status, source)
            if 300 <= page.status < 400 and page.location:
                target = self.visitor.site_path(page.location, path)
                if self.role != "anonymous" and (target or "").startswith("/login"):
                    self.add(language, "status", path, "a link shown sends to the login form",
                             source)
                if target and target not in seen and not _skipped(target):
                    seen.add(target)
                    queue.append((target, path))
                continue
            if page.body is None or "text/html" not in page.content_type:
                continue
            self.html_pages.append(path)
            title = re.search(r"<title>(.*?)</title>", page.body.decode("utf-8", "replace"), re.S)
            if title is None or "<" in title.group(1) or not title.group(1).strip():
                self.add(language, "title", path, "no plain page title: "
                         + (title.group(1)[:80] if title else "none"), source)
            parser = _parse(page.body, language)
            self.check_assets(language, path, parser)
            self.german_pages += bool(german_words("\n".join(parser.text), set()))
            for href in parser.links + [_search_url(f, path) for f in parser.forms
                                        if f["method"] == "get"]:
                target = self.visitor.site_path(href.split("#", 1)[0] or path, path)
                if target and target not in seen and not _skipped(target):
                    seen.add(target)
                    queue.append((target, path))

    def probe(self) -> None:
        """Ask for the pages of PROBES and compare with what this role must get."""
        column = ROLES.index(self.role)
        for path, statuses in PROBES.items():
            expected = statuses[column]
            page = self.visitor.fetch(path)
            self.check_log("de", path)
            if expected == LOGIN:
                target = urllib.parse.urlsplit(page.location).path
                if page.status not in (302, 303) or target != "/login":
                    self.add("de", "status", path,
                             f"{page.status} {page.location}, expected a redirect to /login")
            elif page.status != expected:
                self.add("de", "status", path, f"{page.status}, expected {expected}")

    def english_pass(self, content: set[str]) -> None:
        """Switch to English with the footer form, then revisit every page read in German."""
        home = self.visitor.fetch("/")
        form = next(f for f in _parse(home.body, "de").forms if "language-form" in f["class"])
        switched = self.visitor.submit("/", form, locale="en", next="/")
        assert switched.status in (302, 303), f"language switch answered {switched.status}"
        per_route: dict[str, int] = {}
        for path in self.html_pages:
            route = self.route_of(path)
            per_route[route] = per_route.get(route, 0) + 1
            if per_route[route] > ENGLISH_PER_ROUTE:
                continue
            page = self.visitor.fetch(path)
            self.check_log("en", path)
            self.check_status("en", path, page.status, "")
            if page.body is None or "text/html" not in page.content_type:
                continue
            parser = _parse(page.body, "en")
            if parser.html_lang != "en":
                self.add("en", "german", path, f'<html lang="{parser.html_lang}">')
            words = german_words("\n".join(parser.text), content)
            if words:
                self.add("en", "german", path, "; ".join(words))


def _search_url(form: dict, page_path: str) -> str:
    """The URL a person gets by searching with a GET form: a term typed, choices left as shown."""
    fields = {name: SEARCH_TERM if name == "q" else value
              for name, value in form["fields"].items() if name not in form["selects"]}
    action = form["attrs"].get("action") or urllib.parse.urlsplit(page_path).path
    return f"{action}?{urllib.parse.urlencode(fields)}"


def _skipped(path: str) -> bool:
    return any(pattern.search(path) for pattern in SKIP_LINKS)


def _parse(body: bytes, language: str) -> PageParser:
    parser = PageParser(language)
    parser.feed(body.decode("utf-8", errors="replace"))
    parser.close()
    return parser


def login(visitor: Visitor, email: str, password: str) -> None:
    """Log in through the real form, CSRF token included, as a person does."""
    page = visitor.fetch("/login")
    form = next(f for f in _parse(page.body, "de").forms if "password" in f["fields"])
    answer = visitor.submit("/login", form, email=email, password=password)
    assert answer.status in (302, 303), f"login of {email} answered {answer.status}"


# ---------------------------------------------------------------- fixtures and tests


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """The demo seed on its own database, served on a free loopback port."""
    folder = tmp_path_factory.mktemp("crawl")
    with fresh_database(folder) as url:
        app = make_test_app(url, folder / "instance", SERVER_NAME=None)
        server = LiveServer(app)
        app.config["ATLAS_BASE_URL"] = server.url
        with app.app_context():
            from lms.cli.demo import DEMO_ACCOUNTS, seed_demo
            from lms.db import utcnow
            from lms.extensions import db

            with app.test_request_context():
                seed_demo(utcnow())
            db.session.commit()
            content = _content_strings(db)
        passwords = json.loads((Path(app.instance_path) / "demo-logins.json").read_text())
        accounts = {key: (email, passwords[key]) for key, _n, email, *_ in DEMO_ACCOUNTS}
        server.start()
        try:
            yield {"app": app, "url": server.url, "accounts": accounts, "content": content}
        finally:
            server.stop()
            dispose_engines(app)


def _content_strings(db) -> set[str]:
    """Course content and proper names: text the English pass must not judge."""
    from lms.accounts.models import Department, Organisation, User
    from lms.qualifications.models import Evidence, JobRole

    strings: set[str] = set()
    # roles and evidence notes are what a company typed (the demo's in German)
    for model, columns in ((User, ("name",)), (Organisation, ("name", "city")),
                           (Department, ("name",)), (JobRole, ("name", "description")),
                           (Evidence, ("note",))):
        for row in db.session.scalars(select(model)):
            strings.update(str(getattr(row, c) or "") for c in columns)
    strings |= _course_strings(db)
    return {s for s in strings if s.strip()}


def _course_strings(db) -> set[str]:
    """Short texts of every imported course package (titles, terms) and session titles."""
    from lms.catalog.models import CourseVersion
    from lms.sessions.models import CourseSession

    strings: set[str] = set()
    for package in db.session.scalars(select(CourseVersion.package)):
        strings |= _short_strings(json.loads(package))
    for session in db.session.scalars(select(CourseSession)):
        strings.update({session.title, session.location})
    return strings


def _short_strings(value) -> set[str]:
    if isinstance(value, str):
        return {value} if 4 <= len(value) <= 200 else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(_short_strings(v) for v in value)) if value else set()
    return set()


def _route_matcher(app):
    adapter = app.url_map.bind("127.0.0.1")

    def route_of(path: str) -> str:
        try:
            rule, _ = adapter.match(urllib.parse.urlsplit(path).path, return_rule=True)
            return rule.rule
        except Exception:  # noqa: BLE001 - unknown paths are their own pattern
            return path

    return route_of


def _matches_known(finding: Finding, known: Known) -> bool:
    return (finding.kind == known.kind and finding.role in known.roles
            and re.search(known.url, finding.url) is not None
            and re.search(known.detail, finding.detail) is not None)


@pytest.mark.parametrize("role", ROLES)
def test_role_walks_every_page_without_errors(demo_site, role, capsys):
    """Every page a role can reach by links loads with its assets, without a traceback,
    the role is refused what it must not see, and the English UI has no German left."""
    visitor = Visitor(demo_site["url"])
    if role != "anonymous":
        login(visitor, *demo_site["accounts"][role])
    with ErrorLog().attached() as log:
        crawl = Crawl(role, visitor, log, _route_matcher(demo_site["app"]))
        crawl.walk("de")
        crawl.probe()
        crawl.english_pass(demo_site["content"])

    known = [f for f in crawl.findings if any(_matches_known(f, k) for k in KNOWN_DEFECTS)]
    new = [f for f in crawl.findings if f not in known]
    stale = [k for k in KNOWN_DEFECTS if role in k.roles
             and not any(_matches_known(f, k) for f in crawl.findings)]
    with capsys.disabled():  # the known defects stay visible in every run
        print(f"\n[crawl {role}] {len(crawl.pages)} pages, {len(crawl.asset_status)} assets, "
              f"{len(known)} known defects, {len(new)} new")
        for finding in known:
            print("  known:", finding.line())
    assert len(crawl.html_pages) > 5, f"the crawl saw only {crawl.html_pages}"
    assert crawl.german_pages, "the German word list recognises no German page: detector broken"
    assert not new, "\n".join(f.line() for f in new)
    assert not stale, f"fixed, remove from KNOWN_DEFECTS: {stale}"


def test_english_pass_reads_ui_text_and_leaves_course_content_alone():
    html = """<html lang="en"><body><nav aria-label="Hauptnavigation"><a href="/">Home</a></nav>
    <div class="lesson-body"><p>Speichern Sie die Datei.</p></div>
    <p lang="de">Zertifikat</p><p data-content-lang="de">Kurs</p>
    <textarea>Abbrechen</textarea><select><option>Deutsch</option></select>
    <h1>Digitale Produktion und Daten</h1><p>Contact betriebsrat@example.org</p>
    <button>Weiter</button><img src="/x.svg" alt="Zurück"></body></html>"""
    parser = _parse(html.encode(), "en")
    found = german_words("\n".join(parser.text), {"Digitale Produktion und Daten"})
    assert [w.split(" ")[0] for w in found] == ["Hauptnavigation", "Weiter", "Zurück"]
    assert parser.assets == [("img", "/x.svg")] and parser.links == ["/"]


def test_error_log_sees_a_traceback_of_the_live_server(tmp_path):
    """The crawl's traceback check is only as good as its view of the server log."""
    with fresh_database(tmp_path) as url:
        app = make_test_app(url, tmp_path / "instance", SERVER_NAME=None)

        @app.get("/crawl-boom")
        def boom():
            raise RuntimeError("boom for the crawl")

        try:
            with ErrorLog().attached() as log, serve(app) as server:
                page = Visitor(server.url).fetch("/crawl-boom")
                records = log.drain()
        finally:
            dispose_engines(app)
    assert page.status == 500
    assert any("boom for the crawl" in text and "Traceback" in text for text in records), records
