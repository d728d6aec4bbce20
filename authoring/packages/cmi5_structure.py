"""Reading a cmi5 course structure (``cmi5.xml``): the course, its blocks and AUs.

AUs are listed in document order; each names the blocks it sits in (outermost first),
which is all the LMS needs of blocks (a block is satisfied when all its AUs are). A
relative ``url`` is a file of the package, an absolute one a remote AU that the package
does not contain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from authoring.diagnostic import DiagnosticSink
from authoring.packages.scorm_manifest import file_of
from authoring.packages.xml_reader import Element, XmlError, parse_xml

STRUCTURE_FILE = "cmi5.xml"
CMI5 = "cmi5"
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")


@dataclass
class Cmi5Au:
    identifier: str
    title: str
    url: str
    line: int
    #: ids of the enclosing blocks, outermost first
    blocks: list[str] = field(default_factory=list)
    move_on: str = "NotApplicable"
    mastery_score: float | None = None
    launch_method: str = "AnyWindow"
    launch_parameters: str = ""
    entitlement_key: str | None = None

    @property
    def is_remote(self) -> bool:
        return file_of(self.url) is None


@dataclass
class Cmi5Structure:
    course_id: str
    title: str
    aus: list[Cmi5Au] = field(default_factory=list)


def _text(element: Element, name: str) -> str:
    """A cmi5 text (``<title><langstring lang="de">…``): German, else English, else the first."""
    holder = element.find(name)
    if holder is None:
        return ""
    strings = holder.find_all("langstring")
    if not strings:
        return " ".join(holder.text.split())
    for language in ("de", "en"):
        for string in strings:
            if (string.attribute("lang") or "").casefold().startswith(language):
                return " ".join(string.text.split())
    return " ".join(strings[0].text.split())


def read_cmi5_structure(content: bytes, sink: DiagnosticSink,
                        files: set[str]) -> Cmi5Structure | None:
    """Read ``cmi5.xml``; problems go to ``sink`` with their lines.

    :param files: the package's files, to check that relative AU urls exist.
    """
    try:
        root = parse_xml(content)
    except XmlError as error:
        sink.error(error.line, 1, "package-xml", error.message)
        return None
    if root.name != "courseStructure" or root.namespace != NAMESPACE:
        sink.error(root.line, 1, "package-schema",
                   f"the root element is <{root.name}> in namespace "
                   f"'{root.namespace or '(none)'}', not a cmi5 <courseStructure> ({NAMESPACE})")
        return None
    course = root.find("course")
    if course is None or not course.attribute("id"):
        sink.error((course or root).line, 1, "package-manifest",
                   "cmi5.xml needs a <course id=\"…\">")
        return None
    structure = Cmi5Structure(course.attribute("id") or "", _text(course, "title"))
    _collect(root, [], structure, set(), set(), sink, files)
    if not structure.aus and not any(d.is_error for d in sink.items):
        sink.error(root.line, 1, "package-manifest", "the course structure has no <au>")
    return structure


def _collect(parent: Element, blocks: list[str], structure: Cmi5Structure, seen: set[str],
             seen_blocks: set[str], sink: DiagnosticSink, files: set[str]) -> None:
    for child in parent.children:
        if child.namespace != NAMESPACE:
            continue  # extensions of other namespaces are allowed and ignored
        if child.name == "block":
            identifier = (child.attribute("id") or "").strip()
            if not identifier:
                sink.error(child.line, 1, "package-manifest", "<block> has no id")
                continue
            if identifier in seen_blocks:
                sink.error(child.line, 1, "package-manifest",
                           f"block id '{identifier}' is used twice")
                continue
            seen_blocks.add(identifier)
            _collect(child, [*blocks, identifier], structure, seen, seen_blocks, sink, files)
        elif child.name == "au":
            au = _au(child, blocks, sink, files)
            if au is None:
                continue
            if au.identifier in seen:
                sink.error(child.line, 1, "package-manifest",
                           f"AU id '{au.identifier}' is used twice")
                continue
            seen.add(au.identifier)
            structure.aus.append(au)


def _au(element: Element, blocks: list[str], sink: DiagnosticSink,
        files: set[str]) -> Cmi5Au | None:
    identifier = (element.attribute("id") or "").strip()
    if not identifier:
        sink.error(element.line, 1, "package-manifest", "<au> has no id")
        return None
    url = (element.child_text("url") or "").strip()
    if not url:
        sink.error(element.line, 1, "package-launch-missing", f"AU '{identifier}' has no <url>")
        return None
    au = Cmi5Au(identifier=identifier, title=_text(element, "title") or identifier, url=url,
                line=element.line, blocks=list(blocks))
    target = file_of(url)
    if target is not None and target not in files:
        sink.error(element.find("url").line, 1, "package-launch-missing",
                   f"launch file '{target}' of AU '{identifier}' is not in the package")
        return None
    move_on = element.attribute("moveOn")
    if move_on is not None:
        if move_on not in MOVE_ON:
            sink.error(element.line, 1, "package-manifest",
                       f"AU '{identifier}': unknown moveOn '{move_on}' "
                       f"(expected one of: {', '.join(MOVE_ON)})")
            return None
        au.move_on = move_on
    method = element.attribute("launchMethod")
    if method is not None:
        if method not in LAUNCH_METHODS:
            sink.error(element.line, 1, "package-manifest",
                       f"AU '{identifier}': unknown launchMethod '{method}'")
            return None
        au.launch_method = method
    mastery = element.attribute("masteryScore")
    if mastery is not None:
        try:
            au.mastery_score = float(mastery)
        except ValueError:
            au.mastery_score = -1.0
        if not 0 <= au.mastery_score <= 1:
            sink.error(element.line, 1, "package-manifest",
                       f"AU '{identifier}': masteryScore '{mastery}' must be between 0 and 1")
            return None
    au.launch_parameters = (element.child_text("launchParameters") or "").strip()
    key = element.find("entitlementKey")
    if key is not None:
        au.entitlement_key = (key.child_text("courseStructure") or key.text).strip() or None
    return au
