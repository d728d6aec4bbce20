"""A course with a cmi5 package lesson, written in the tests: the scaffold course cut down
to one text lesson plus the package lesson, completion when all lessons are done."""

import re
from pathlib import Path

from authoring.scaffold import new_course
from tests.package_kit import package_lesson

MODULE = "modules/01-einfuehrung"


def _au_xml(au: dict) -> str:
    mastery = f' masteryScore="{au["mastery"]}"' if au.get("mastery") is not None else ""
    method = f' launchMethod="{au["method"]}"' if au.get("method") else ""
    return f"""
    <au id="{au['id']}" moveOn="{au['move_on']}"{mastery}{method}>
      <title><langstring lang="de-DE">{au.get('title', 'Lerneinheit')}</langstring></title>
      <description><langstring lang="de-DE">AU</langstring></description>
      <url>{au['url']}</url>
    </au>"""


def cmi5_structure(aus: list[dict]) -> str:
    """A ``cmi5.xml`` with the given AUs (id, url, moveOn, optional masteryScore, method,
    and ``block``: consecutive AUs naming the same block id sit in one ``<block>``)."""
    parts, open_block = [], None
    for au in aus:
        if au.get("block") != open_block:
            if open_block is not None:
                parts.append("\n  </block>")
            open_block = au.get("block")
            if open_block is not None:
                parts.append(f"""
  <block id="{open_block}">
    <title><langstring lang="de-DE">Block</langstring></title>
    <description><langstring lang="de-DE">Block</langstring></description>""")
        parts.append(_au_xml(au))
    if open_block is not None:
        parts.append("\n  </block>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://vendor.example/course/stapler">
    <title><langstring lang="de-DE">Stapler</langstring></title>
    <description><langstring lang="de-DE">Kurs</langstring></description>
  </course>{''.join(parts)}
</courseStructure>
"""


def cmi5_course(dest: Path, slug: str, package: str, files: dict[str, str],
                lesson_id: str = "stapler-paket") -> Path:
    """Write the course folder; ``files`` are the package's (``cmi5.xml`` among them)."""
    folder = new_course(dest / slug, slug)
    for name in ("02-quiz.md", "03-praxis.md", "04-abschlusstest.md"):
        (folder / MODULE / name).unlink()
    course_yml = folder / "course.yml"
    text = course_yml.read_text(encoding="utf-8")
    text = re.sub(r"completion:\n(  .*\n)+", "completion:\n  lessons: all\n", text)
    course_yml.write_text(text, encoding="utf-8")
    for path, content in files.items():
        target = folder / "packages" / package / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    (folder / MODULE / "02-paket.md").write_text(
        package_lesson(lesson_id, "Stapler fahren", package), encoding="utf-8")
    return folder
