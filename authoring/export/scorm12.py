"""A course version as a SCORM 1.2 package: one SCO per module, one shared player.

Why one SCO per module: a module is what ATLAS tracks and what a company LMS can list,
its quiz gives one score and one pass mark (``adlcp:masteryscore``), and the cmi5 export
maps a module to one AU the same way. The player (player/*.js, *.css) reads the course
from ``data/course.js``, shows the module's lessons and quizzes in German or English,
grades quizzes in the browser against hashed keys (answer_key.py) and reports to the
SCORM 1.2 API of the launching LMS.
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Mapping
from importlib import resources
from xml.etree import ElementTree as ET

from authoring.export.archive import zip_bytes
from authoring.export.player_data import is_graded, module_pass_mark, player_data
from authoring.model import Course, Module

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = (f"{IMSCP} imscp_rootv1p1p2.xsd "
                   "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd "
                   f"{ADLCP} adlcp_rootv1p2.xsd")
#: the player's files, copied into every package under ``player/``
PLAYER_FILES = ("atlas-player.js", "scorm12-api.js", "sha256.js", "atlas-player.css")
SHARED_RESOURCE = "atlas-player"



def sco_file(module: Module) -> str:
    """The launch file of a module's SCO, at the package root so ``media/…`` resolves."""
    return f"sco-{module.id}.html"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = text
    return element


def manifest_xml(course: Course, shared_files: list[str]) -> str:
    """``imsmanifest.xml``: an item and a SCO resource per module, one shared asset resource.

    ``adlcp:masteryscore`` is the module's pass mark where all its graded lessons share
    one; the player reports ``passed``/``failed`` itself, so an LMS that applies the
    mastery score reaches the same verdict.
    """
    language = course.default_language
    ident = f"atlas-{course.id}-{course.version}".replace(".", "-")
    root = ET.Element("manifest", {
        "identifier": ident, "version": "1.2", "xmlns": IMSCP, "xmlns:adlcp": ADLCP,
        "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA_LOCATION})
    metadata = ET.SubElement(root, "metadata")
    _text(metadata, "schema", "ADL SCORM")
    _text(metadata, "schemaversion", "1.2")
    organizations = ET.SubElement(root, "organizations", {"default": "org"})
    organization = ET.SubElement(organizations, "organization",
                                 {"identifier": "org"})
    _text(organization, "title", course.title.text(language))
    resources_element = ET.SubElement(root, "resources")
    for module in course.modules:
        item = ET.SubElement(organization, "item", {
            "identifier": f"item-{module.id}", "identifierref": f"sco-{module.id}",
            "isvisible": "true"})
        _text(item, "title", module.title.text(language))
        mark = module_pass_mark(module)
        if mark is not None:
            _text(item, "adlcp:masteryscore", str(mark))
        resource = ET.SubElement(resources_element, "resource", {
            "identifier": f"sco-{module.id}", "type": "webcontent",
            "adlcp:scormtype": "sco", "href": sco_file(module)})
        ET.SubElement(resource, "file", {"href": sco_file(module)})
        ET.SubElement(resource, "dependency", {"identifierref": SHARED_RESOURCE})
    shared = ET.SubElement(resources_element, "resource", {
        "identifier": SHARED_RESOURCE, "type": "webcontent", "adlcp:scormtype": "asset"})
    for path in shared_files:
        ET.SubElement(shared, "file", {"href": path})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _player_file(name: str) -> bytes:
    return resources.files("authoring.export").joinpath("player", name).read_bytes()


def sco_html(course: Course, module: Module) -> str:
    """The launch page of one module: the shared player, told which module to show."""
    language = course.default_language
    title = f"{module.title.text(language)} · {course.title.text(language)}"
    template = _player_file("sco.html").decode("utf-8")
    return (template.replace("{{lang}}", html.escape(language))
            .replace("{{title}}", html.escape(title))
            .replace("{{module}}", html.escape(module.id))
            .replace("{{graded}}", "true" if is_graded(module) else "false"))


def build_scorm12(course: Course, media: Mapping[str, bytes], salt: str | None = None) -> bytes:
    """The SCORM 1.2 zip of ``course``.

    :param media: course-relative path (``media/…``) → bytes; every file of the version,
        so figures, their language variants and downloads all travel along.
    :param salt: the answer-key salt; random per export unless given (tests).
    """
    salt = salt or secrets.token_hex(16)
    data = player_data(course, salt, list(media))
    script = ("window.ATLAS_PACKAGE = "
              + json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
              + ";\n")
    files: dict[str, bytes] = {"data/course.js": script.encode("utf-8")}
    for name in PLAYER_FILES:
        files[f"player/{name}"] = _player_file(name)
    files.update(media)
    shared = sorted(files)
    for module in course.modules:
        files[sco_file(module)] = sco_html(course, module).encode("utf-8")
    files["imsmanifest.xml"] = manifest_xml(course, shared).encode("utf-8")
    return zip_bytes(files)
