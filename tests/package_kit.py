"""SCORM and cmi5 packages written in the tests: manifests and zips built with zipfile.

Shared by the authoring, LMS and browser tests (import, player, export). Each builder
returns the files as ``{path: bytes}``; ``zip_bytes`` packs them.
"""

from __future__ import annotations

import io
import zipfile

SCO_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{title}</title>
<script src="{script}"></script></head>
<body><h1>{title}</h1><p id="status">geladen</p></body></html>
"""
SCO_SCRIPT = "/* a SCO's own script: finds the runtime API on window.parent */\n" \
             "window.scoLoaded = true;\n"


def zip_bytes(files: dict[str, bytes | str], *, prefix: str = "") -> bytes:
    """Pack ``files`` into a zip (names under ``prefix`` if given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(prefix + path, data)
    return buffer.getvalue()


def scorm12_files(*, title: str = "Gabelstapler: Grundlagen", identifier: str = "SCO-1",
                  mastery: str | None = "80", launch: str = "sco1/index.html",
                  extra_items: str = "") -> dict[str, str]:
    """A single-SCO SCORM 1.2 package (``extra_items`` adds raw ``<item>`` XML)."""
    mastery_xml = f"<adlcp:masteryscore>{mastery}</adlcp:masteryscore>" if mastery else ""
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="forklift" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG-1">
    <organization identifier="ORG-1">
      <title>{title}</title>
      <item identifier="{identifier}" identifierref="RES-1" parameters="?lang=de">
        <title>{title}</title>
        {mastery_xml}
        <adlcp:datafromlms>start=1</adlcp:datafromlms>
        <adlcp:timelimitaction>continue,no message</adlcp:timelimitaction>
      </item>
      {extra_items}
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES-1" type="webcontent" adlcp:scormtype="sco" href="{launch}">
      <file href="sco1/index.html"/>
    </resource>
  </resources>
</manifest>
"""
    return {
        "imsmanifest.xml": manifest,
        "sco1/index.html": SCO_PAGE.format(title=title, script="sco.js"),
        "sco1/sco.js": SCO_SCRIPT,
        "sco1/style.css": "body { font-family: sans-serif; }\n",
    }


def scorm2004_files(*, edition: str = "2004 4th Edition",
                    title: str = "Hochvolt: Sensibilisierung") -> dict[str, str]:
    """A SCORM 2004 package with two SCOs (one with a mastery measure) and an asset."""
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="hv" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
    xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
    xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>{edition}</schemaversion>
  </metadata>
  <organizations default="ORG">
    <organization identifier="ORG">
      <title>{title}</title>
      <item identifier="TEIL-1" identifierref="R1">
        <title>Teil 1: Gefahren</title>
        <adlcp:timeLimitAction>exit,message</adlcp:timeLimitAction>
      </item>
      <item identifier="BLOCK">
        <title>Vertiefung</title>
        <item identifier="TEIL-2" identifierref="R2">
          <title>Teil 2: Test</title>
          <adlcp:dataFromLMS>mode=test</adlcp:dataFromLMS>
          <imsss:sequencing>
            <imsss:objectives>
              <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">
                <imsss:minNormalizedMeasure>0.75</imsss:minNormalizedMeasure>
              </imsss:primaryObjective>
            </imsss:objectives>
          </imsss:sequencing>
        </item>
        <item identifier="GLOSSAR" identifierref="R3"><title>Glossar</title></item>
      </item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="R1" type="webcontent" adlcp:scormType="sco" xml:base="teil1/"
        href="index.html"><file href="index.html"/></resource>
    <resource identifier="R2" type="webcontent" adlcp:scormType="sco" href="teil2/start.html"/>
    <resource identifier="R3" type="webcontent" adlcp:scormType="asset" href="glossar.html"/>
  </resources>
</manifest>
"""
    return {
        "imsmanifest.xml": manifest,
        "content/teil1/index.html": SCO_PAGE.format(title="Teil 1", script="../shared.js"),
        "content/teil2/start.html": SCO_PAGE.format(title="Teil 2", script="../shared.js"),
        "content/glossar.html": "<!doctype html><title>Glossar</title><p>Glossar</p>",
        "content/shared.js": SCO_SCRIPT,
    }


def cmi5_files(*, remote_url: str | None = None) -> dict[str, str]:
    """A cmi5 course with a block of one local AU and, if given, a remote AU."""
    remote = f"""
      <au id="https://example.com/au/remote" moveOn="Completed" launchMethod="OwnWindow">
        <title><langstring lang="en-US">Remote</langstring></title>
        <description><langstring lang="en-US">Remote AU</langstring></description>
        <url>{remote_url}</url>
      </au>""" if remote_url else ""
    structure = f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/course/datenschutz">
    <title><langstring lang="en-US">GDPR basics</langstring>
           <langstring lang="de-DE">DSGVO-Grundlagen</langstring></title>
    <description><langstring lang="de-DE">Kurs</langstring></description>
  </course>
  <block id="https://example.com/block/1">
    <title><langstring lang="de-DE">Block</langstring></title>
    <description><langstring lang="de-DE">Block</langstring></description>
    <au id="https://example.com/au/1" moveOn="CompletedAndPassed" masteryScore="0.8">
      <title><langstring lang="de-DE">Grundbegriffe</langstring></title>
      <description><langstring lang="de-DE">AU</langstring></description>
      <url>au1/index.html?mode=x</url>
      <launchParameters>{{"level": 1}}</launchParameters>
      <entitlementKey><courseStructure>KEY-1</courseStructure></entitlementKey>
    </au>{remote}
  </block>
</courseStructure>
"""
    return {
        "cmi5.xml": structure,
        "au1/index.html": SCO_PAGE.format(title="AU 1", script="au.js"),
        "au1/au.js": SCO_SCRIPT,
    }


def package_lesson(lesson_id: str, title: str, package: str, item: str | None = None,
                   minutes: int = 20) -> str:
    """The Markdown of a ``type: package`` lesson."""
    item_line = f"item: {item}\n" if item else ""
    return (f"---\nid: {lesson_id}\ntitle: \"{title}\"\ntype: package\npackage: {package}\n"
            f"{item_line}minutes: {minutes}\nreviewed: 2026-12-01\n---\n\n"
            f"# {title}\n\nEingekauftes Lernpaket.\n")
