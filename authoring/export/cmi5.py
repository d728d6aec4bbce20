"""A course version as a cmi5 course structure whose AUs are hosted by ATLAS Campus.

Blocks are the modules, each with one AU: the module's page on the platform
(``/packages/cmi5-au/…``), which grades quizzes on the server, so no answer key leaves it.
The package is ``cmi5.xml`` alone; the LMS that imports it launches the remote AUs.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from authoring.export.archive import zip_bytes
from authoring.export.player_data import is_graded, module_pass_mark
from authoring.model import Course, LocalizedText, Module

NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
#: the AU opens in a window of the LMS's choice: a new window or a frame both work
LAUNCH_METHOD = "AnyWindow"



def move_on(module: Module) -> str:
    """``CompletedAndPassed`` for a module with a quiz (read everything and pass, as in
    ATLAS), ``Completed`` for one without."""
    return "CompletedAndPassed" if is_graded(module) else "Completed"


def mastery_score(module: Module) -> float | None:
    """The module's pass mark as a fraction (0.7), ``None`` without one common mark."""
    mark = module_pass_mark(module)
    return None if mark is None else round(mark / 100, 4)


def _langstrings(parent: ET.Element, tag: str, text: LocalizedText, fallback: str) -> None:
    element = ET.SubElement(parent, tag)
    languages = [lang for lang in sorted(text) if text.get(lang)] or ["de"]
    for language in languages:
        string = ET.SubElement(element, "langstring", {"lang": language})
        string.text = text.get(language) or fallback


def cmi5_xml(course: Course, course_iri: str, au_url: Callable[[Module], str]) -> str:
    """``cmi5.xml`` of ``course``.

    :param course_iri: the publisher id of the course (an absolute IRI).
    :param au_url: the absolute launch URL of a module's AU.
    """
    root = ET.Element("courseStructure", {"xmlns": NAMESPACE})
    course_element = ET.SubElement(root, "course", {"id": course_iri})
    title = course.title.text(course.default_language)
    _langstrings(course_element, "title", course.title, title)
    _langstrings(course_element, "description", course.description, title)
    for module in course.modules:
        name = module.title.text(course.default_language)
        block = ET.SubElement(root, "block",
                              {"id": f"{course_iri}/block/{module.id}"})
        _langstrings(block, "title", module.title, name)
        _langstrings(block, "description", module.description, name)
        attributes = {"id": f"{course_iri}/au/{module.id}", "moveOn": move_on(module),
                      "launchMethod": LAUNCH_METHOD}
        score = mastery_score(module)
        if score is not None:
            attributes["masteryScore"] = f"{score:g}"
        au = ET.SubElement(block, "au", attributes)
        _langstrings(au, "title", module.title, name)
        _langstrings(au, "description", module.description, name)
        url = ET.SubElement(au, "url")
        url.text = au_url(module)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def build_cmi5(course: Course, course_iri: str, au_url: Callable[[Module], str]) -> bytes:
    """The cmi5 zip of ``course``: ``cmi5.xml`` at its root (remote AUs need no more)."""
    return zip_bytes({"cmi5.xml": cmi5_xml(course, course_iri, au_url).encode("utf-8")})
