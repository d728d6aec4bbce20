"""Reading a SCORM 1.2 or SCORM 2004 (3rd/4th edition) ``imsmanifest.xml``.

What a player needs is taken out: the default organisation's launchable items in order
(an item with ``identifierref``), each with its resource's launch file (``xml:base`` of
manifest, resources and resource applied), SCO or asset, parameters, mastery score,
simple prerequisites (1.2), time-limit action and data from the LMS. Sequencing beyond
the mastery score (``imsss:minNormalizedMeasure``) is not read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from authoring.diagnostic import DiagnosticSink
from authoring.packages.xml_reader import XML_BASE, Element, XmlError, parse_xml

MANIFEST_FILE = "imsmanifest.xml"
SCORM12 = "scorm12"
SCORM2004 = "scorm2004"

CP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
CP_2004 = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"

#: ``<schemaversion>`` → (standard, label)
SCHEMA_VERSIONS = {
    "1.2": (SCORM12, "SCORM 1.2"),
    "cam 1.3": (SCORM2004, "SCORM 2004 2nd Edition"),
    "2004 3rd edition": (SCORM2004, "SCORM 2004 3rd Edition"),
    "2004 4th edition": (SCORM2004, "SCORM 2004 4th Edition"),
}
TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message",
                      "continue,no message")


@dataclass
class ScormItem:
    """A launchable item of the organisation (its resource resolved)."""

    identifier: str
    title: str
    launch: str
    line: int
    scorm_type: str = "sco"
    parameters: str = ""
    mastery_score: float | None = None
    prerequisites: str | None = None
    time_limit_action: str | None = None
    data_from_lms: str | None = None


@dataclass
class ScormManifest:
    standard: str
    version_label: str
    title: str
    items: list[ScormItem] = field(default_factory=list)


def _is_url(href: str) -> bool:
    parts = urlsplit(href)
    return bool(parts.scheme) or href.startswith("//")


def _join_base(*parts: str) -> str:
    """Join ``xml:base`` values and an href the way the manifest means them (relative)."""
    path = ""
    for part in parts:
        if not part:
            continue
        path = part if _is_url(part) or not path else posixpath.join(
            path if path.endswith("/") else path + "/", part)
    return path


def file_of(launch: str) -> str | None:
    """The package file a launch href names (query and fragment dropped, %-decoded);
    None for an absolute URL or a path that leaves the package."""
    if _is_url(launch):
        return None
    path = unquote(urlsplit(launch).path)
    path = posixpath.normpath(path) if path else ""
    if not path or path.startswith(("../", "/")) or path in ("..", "."):
        return None
    return path


def _detect(root: Element, sink: DiagnosticSink) -> tuple[str, str] | None:
    if root.name != "manifest":
        sink.error(root.line, 1, "package-schema",
                   f"the root element is <{root.name}>, not <manifest>: not a SCORM manifest")
        return None
    metadata = root.find("metadata")
    schema = metadata.child_text("schema") if metadata is not None else None
    version = metadata.child_text("schemaversion") if metadata is not None else None
    line = metadata.line if metadata is not None else root.line
    if version is not None:
        found = SCHEMA_VERSIONS.get(version.strip().casefold())
        if found is None:
            sink.error(line, 1, "package-schema",
                       f"unknown SCORM schemaversion '{version}' (expected 1.2, CAM 1.3, "
                       "2004 3rd Edition or 2004 4th Edition)")
            return None
        if schema is not None and schema.strip().casefold() != "adl scorm":
            sink.error(line, 1, "package-schema",
                       f"<schema> is '{schema}', not 'ADL SCORM'")
            return None
        return found
    # no metadata: tell by the namespaces, as several authoring tools leave it out
    if root.namespace == CP_2004 or any(ADLCP_2004 in key for key in _all_attribute_keys(root)):
        return SCHEMA_VERSIONS["2004 4th edition"]
    if root.namespace == CP_12 or any(ADLCP_12 in key for key in _all_attribute_keys(root)):
        return SCHEMA_VERSIONS["1.2"]
    sink.error(line, 1, "package-schema",
               "cannot tell the SCORM version: the manifest has no <schemaversion> and "
               f"an unknown namespace '{root.namespace or '(none)'}'")
    return None


def _all_attribute_keys(root: Element):
    stack = [root]
    while stack:
        element = stack.pop()
        yield from element.attributes
        yield element.namespace
        stack.extend(element.children)


def _title(element: Element) -> str:
    return " ".join((element.child_text("title") or "").split())


def _resources(root: Element, base: str, sink: DiagnosticSink) -> dict[str, Element]:
    resources: dict[str, Element] = {}
    holder = root.find("resources")
    if holder is None:
        sink.error(root.line, 1, "package-manifest", "the manifest has no <resources>")
        return resources
    holder_base = _join_base(base, holder.attributes.get(XML_BASE, ""))
    for resource in holder.find_all("resource"):
        identifier = resource.attribute("identifier")
        if not identifier:
            sink.error(resource.line, 1, "package-manifest",
                       "<resource> has no identifier")
            continue
        resource.attributes["atlas:base"] = holder_base
        resources[identifier] = resource
    return resources


def _score(text: str | None, scale: float, line: int, what: str,
           sink: DiagnosticSink) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text) / scale
    except ValueError:
        sink.error(line, 1, "package-manifest", f"{what} '{text}' is not a number")
        return None
    if not 0 <= value <= 1:
        sink.error(line, 1, "package-manifest",
                   f"{what} '{text}' is out of range (0–{100 if scale == 100 else 1})")
        return None
    return value


def _leaves(element: Element, out: list[Element]) -> None:
    for item in element.find_all("item"):
        if item.attribute("identifierref"):
            out.append(item)
        _leaves(item, out)


def read_scorm_manifest(content: bytes, sink: DiagnosticSink,
                        files: set[str]) -> ScormManifest | None:
    """Read the manifest ``content``; problems go to ``sink`` with their lines.

    :param files: the package's files (paths relative to the manifest's folder), to check
        that every launch file exists.
    :return: the manifest, or None when it is unusable (an error was reported).
    """
    try:
        root = parse_xml(content)
    except XmlError as error:
        sink.error(error.line, 1, "package-xml", error.message)
        return None
    detected = _detect(root, sink)
    if detected is None:
        return None
    standard, label = detected
    adlcp = ADLCP_12 if standard == SCORM12 else ADLCP_2004
    base = root.attributes.get(XML_BASE, "")
    resources = _resources(root, base, sink)
    organizations = root.find("organizations")
    candidates = organizations.find_all("organization") if organizations is not None else []
    if not candidates:
        sink.error((organizations or root).line, 1, "package-manifest",
                   "the manifest has no <organization>: nothing to play")
        return None
    default = organizations.attribute("default")
    organization = next((o for o in candidates if o.attribute("identifier") == default), None)
    if default and organization is None:
        sink.error(organizations.line, 1, "package-manifest",
                   f"the default organization '{default}' does not exist")
        return None
    organization = organization or candidates[0]
    manifest = ScormManifest(standard, label, _title(organization))
    leaves: list[Element] = []
    _leaves(organization, leaves)
    seen: set[str] = set()
    for item in leaves:
        identifier = item.attribute("identifier") or ""
        if not identifier:
            sink.error(item.line, 1, "package-manifest", "<item> has no identifier")
            continue
        if identifier in seen:
            sink.error(item.line, 1, "package-manifest",
                       f"item identifier '{identifier}' is used twice")
            continue
        seen.add(identifier)
        reference = item.attribute("identifierref") or ""
        resource = resources.get(reference)
        if resource is None:
            sink.error(item.line, 1, "package-resource-unknown",
                       f"item '{identifier}' refers to resource '{reference}', which the "
                       "manifest does not list")
            continue
        href = resource.attribute("href")
        if not href:
            sink.error(resource.line, 1, "package-manifest",
                       f"resource '{reference}' has no href (no launch file)")
            continue
        launch = _join_base(resource.attributes.get("atlas:base", ""),
                            resource.attributes.get(XML_BASE, ""), href)
        target = file_of(launch)
        if _is_url(launch):
            sink.error(resource.line, 1, "package-launch-missing",
                       f"resource '{reference}' launches the address {launch}: a SCORM "
                       "package must contain its launch file")
            continue
        if target is None or target not in files:
            sink.error(resource.line, 1, "package-launch-missing",
                       f"launch file '{target or launch}' of resource '{reference}' is not "
                       "in the package")
            continue
        scorm_type = (resource.attribute("scormtype", adlcp)
                      or resource.attribute("scormType", adlcp) or "sco").strip().casefold()
        if scorm_type not in ("sco", "asset"):
            sink.error(resource.line, 1, "package-manifest",
                       f"resource '{reference}' has scormType '{scorm_type}' (sco or asset)")
            continue
        entry = ScormItem(identifier=identifier, title=_title(item) or identifier,
                          launch=launch, line=item.line, scorm_type=scorm_type,
                          parameters=(item.attribute("parameters") or "").strip())
        _item_details(item, entry, standard, adlcp, sink)
        manifest.items.append(entry)
    if not manifest.items and not any(d.is_error for d in sink.items):
        sink.error(organization.line, 1, "package-manifest",
                   "the organization has no item that launches a resource")
    return manifest


def _item_details(item: Element, entry: ScormItem, standard: str, adlcp: str,
                  sink: DiagnosticSink) -> None:
    if standard == SCORM12:
        mastery = item.find("masteryscore", adlcp)
        if mastery is not None:
            entry.mastery_score = _score(mastery.text, 100, mastery.line, "masteryscore", sink)
        prerequisites = item.find("prerequisites", adlcp)
        if prerequisites is not None and prerequisites.text.strip():
            entry.prerequisites = prerequisites.text.strip()
        action, data = item.find("timelimitaction", adlcp), item.find("datafromlms", adlcp)
    else:
        sequencing = item.find("sequencing", IMSSS)
        objectives = sequencing.find("objectives", IMSSS) if sequencing is not None else None
        primary = objectives.find("primaryObjective", IMSSS) if objectives is not None else None
        measure = primary.find("minNormalizedMeasure", IMSSS) if primary is not None else None
        if measure is not None and (primary.attribute("satisfiedByMeasure") or "").strip() \
                in ("true", "1"):
            entry.mastery_score = _score(measure.text, 1, measure.line,
                                         "minNormalizedMeasure", sink)
        action, data = item.find("timeLimitAction", adlcp), item.find("dataFromLMS", adlcp)
    if action is not None and action.text.strip():
        value = action.text.strip().casefold()
        if value not in TIME_LIMIT_ACTIONS:
            sink.warning(action.line, 1, "package-manifest",
                         f"unknown time limit action '{action.text.strip()}'")
        entry.time_limit_action = value
    if data is not None and data.text.strip():
        entry.data_from_lms = data.text.strip()
