"""The package builders of authoring/export: manifests, cmi5.xml and the hashed answer key."""

import io
import json
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

from authoring.build import build_package
from authoring.export.answer_key import answer_hash, normalise, numeric_values, question_key
from authoring.export.cmi5 import NAMESPACE, build_cmi5
from authoring.export.scorm12 import build_scorm12
from tests.fixtures.export_course import write_export_course

IMSCP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
CMI5 = "{" + NAMESPACE + "}"


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    return build_package(write_export_course(tmp_path_factory.mktemp("export")))


@pytest.fixture(scope="module")
def scorm_zip(package):
    media = {path: file.read_bytes() for path, file in package.media_files.items()}
    return zipfile.ZipFile(io.BytesIO(build_scorm12(package.course, media, salt="pepper")))


def player_document(scorm_zip) -> dict:
    script = scorm_zip.read("data/course.js").decode("utf-8")
    return json.loads(script.removeprefix("window.ATLAS_PACKAGE = ").rstrip().rstrip(";"))


def test_the_manifest_has_one_sco_per_module_with_the_pass_mark(scorm_zip):
    manifest = ET.fromstring(scorm_zip.read("imsmanifest.xml"))
    assert manifest.tag == f"{IMSCP}manifest"
    assert manifest.findtext(f"{IMSCP}metadata/{IMSCP}schemaversion") == "1.2"
    organization = manifest.find(f"{IMSCP}organizations/{IMSCP}organization")
    assert organization.findtext(f"{IMSCP}title") == "Export-Demo"
    items = organization.findall(f"{IMSCP}item")
    assert [i.findtext(f"{IMSCP}title") for i in items] == ["Grundlagen", "Vertiefung"]
    assert [i.findtext(f"{ADLCP}masteryscore") for i in items] == ["70", None]
    resources = {r.get("identifier"): r for r in manifest.iter(f"{IMSCP}resource")}
    names = set(scorm_zip.namelist())
    for item in items:
        resource = resources[item.get("identifierref")]
        assert resource.get(f"{ADLCP}scormtype") == "sco"
        assert resource.get("href") in names
    shared = resources["atlas-player"]
    listed = {f.get("href") for f in shared.iter(f"{IMSCP}file")}
    assert {"data/course.js", "player/atlas-player.js", "player/scorm12-api.js",
            "media/schema.png", "media/schema.en.png"} <= listed <= names


def test_the_package_carries_no_answer_in_plain_text(scorm_zip, package):
    document = player_document(scorm_zip)
    text = json.dumps(document)
    for forbidden in ("is_correct", "answers", "tolerance", "explanation", "rubric", '"answer"'):
        assert forbidden not in text
    quiz = document["modules"][0]["lessons"][1]["content"]["de"]["questions"]
    single = next(q for q in quiz if q["id"] == "q-single")
    assert {c["text"] for c in single["choices"]} == {"24 V", "60 V", "400 V"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for part in single["key"]["parts"] for h in part)
    assert "key" not in next(q for q in quiz if q["id"] == "q-open")


def test_the_hashed_key_accepts_exactly_the_right_answers(package):
    quiz = package.course.lesson("test-grundlagen")
    single = quiz.question("q-single")
    right = next(c.id for c in single.choices if c.is_correct)
    wrong = next(c.id for c in single.choices if not c.is_correct)
    parts = question_key(single, "salt")["parts"]
    assert answer_hash("salt", "q-single", 0, normalise(right)) in parts[0]
    assert answer_hash("salt", "q-single", 0, normalise(wrong)) not in parts[0]
    assert answer_hash("other", "q-single", 0, normalise(right)) not in parts[0]
    gap = question_key(quiz.question("q-gap"), "salt")["parts"]
    assert answer_hash("salt", "q-gap", 0, normalise(" 60 ")) in gap[0]
    matching = question_key(quiz.question("q-matching"), "salt")["parts"]
    assert len(matching) == 2


@pytest.mark.parametrize(("value", "tolerance", "decimals", "accepted", "refused"), [
    (60, 0.5, 1, ["59.5", "60.0", "60.5"], ["59.4", "60.6"]),
    (6120, 10, 0, ["6110", "6130"], ["6131"]),
    (1.25, 0, 2, ["1.25"], ["1.24"]),
])
def test_a_numeric_answer_is_every_value_within_the_tolerance(
        value, tolerance, decimals, accepted, refused):
    places, values = numeric_values(value, tolerance)
    assert places == decimals
    assert set(accepted) <= set(values)
    assert not set(refused) & set(values)


def test_cmi5_xml_has_a_block_and_a_remote_au_per_module(package):
    archive = zipfile.ZipFile(io.BytesIO(build_cmi5(
        package.course, "https://campus.example/course/export-demo",
        lambda m: f"https://campus.example/packages/cmi5-au/export-demo/7/{m.id}?k=abc")))
    assert archive.namelist() == ["cmi5.xml"]
    root = ET.fromstring(archive.read("cmi5.xml"))
    assert root.tag == f"{CMI5}courseStructure"
    course = root.find(f"{CMI5}course")
    assert course.get("id") == "https://campus.example/course/export-demo"
    titles = {s.get("lang"): s.text for s in course.find(f"{CMI5}title")}
    assert titles == {"de": "Export-Demo", "en": "Export demo"}
    assert course.find(f"{CMI5}description/{CMI5}langstring").text
    blocks = root.findall(f"{CMI5}block")
    assert len(blocks) == 2
    aus = [block.find(f"{CMI5}au") for block in blocks]
    assert [(au.get("moveOn"), au.get("masteryScore")) for au in aus] == [
        ("CompletedAndPassed", "0.7"), ("Completed", None)]
    for block, au in zip(blocks, aus, strict=True):
        for element in (block, au):  # title and description are required, in this order
            assert [child.tag for child in element][:2] == [f"{CMI5}title",
                                                           f"{CMI5}description"]
        assert au.findtext(f"{CMI5}url").startswith("https://campus.example/packages/cmi5-au/")
        assert au.get("id").startswith("https://campus.example/course/export-demo/au/")
