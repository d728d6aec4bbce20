"""Package lessons: SCORM/cmi5 folders in a course source, their model, build and checks."""

import dataclasses
import io
import stat
import zipfile

import pytest

from authoring.build import build_package, load_course
from authoring.diagnostic import DiagnosticSink
from authoring.media_file import media_type
from authoring.packages.archive import ArchiveError, ArchiveLimits, common_folder, extract_archive
from authoring.packages.cmi5_structure import read_cmi5_structure
from authoring.packages.scorm_manifest import read_scorm_manifest
from tests.authoring.conftest import TODAY
from tests.package_kit import cmi5_files, package_lesson, scorm12_files, scorm2004_files, zip_bytes

MODULE = "modules/01-grundlagen"


def _write(root, files: dict) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)


def _add_package(course_dir, name: str, files: dict, lesson: str | None = None,
                 item: str | None = None) -> None:
    _write(course_dir / "packages" / name, files)
    if lesson is not None:
        (course_dir / MODULE / f"05-{lesson}.md").write_text(
            package_lesson(lesson, "Paket", name, item), encoding="utf-8")


def _errors(diagnostics, code=None):
    return [d for d in diagnostics if d.is_error and (code is None or d.code == code)]


def _scorm(content: str, files: set[str]):
    sink = DiagnosticSink("imsmanifest.xml")
    return read_scorm_manifest(content.encode(), sink, files), sink.items


# --- SCORM manifests -------------------------------------------------------------


def test_scorm12_manifest_gives_items_with_launch_mastery_and_lms_data():
    files = scorm12_files()
    manifest, diagnostics = _scorm(files["imsmanifest.xml"], set(files))
    assert diagnostics == []
    assert (manifest.standard, manifest.version_label) == ("scorm12", "SCORM 1.2")
    (item,) = manifest.items
    assert (item.identifier, item.launch, item.parameters) == ("SCO-1", "sco1/index.html",
                                                               "?lang=de")
    assert item.mastery_score == pytest.approx(0.8)
    assert (item.data_from_lms, item.time_limit_action) == ("start=1", "continue,no message")
    assert item.scorm_type == "sco"


@pytest.mark.parametrize("edition", ["2004 3rd Edition", "2004 4th Edition"])
def test_scorm2004_manifest_resolves_xml_base_nesting_and_measure(edition):
    files = scorm2004_files(edition=edition)
    manifest, diagnostics = _scorm(files["imsmanifest.xml"], set(files))
    assert diagnostics == []
    assert manifest.standard == "scorm2004" and edition in manifest.version_label
    assert [(i.identifier, i.launch, i.scorm_type) for i in manifest.items] == [
        ("TEIL-1", "content/teil1/index.html", "sco"),
        ("TEIL-2", "content/teil2/start.html", "sco"),
        ("GLOSSAR", "content/glossar.html", "asset"),
    ]
    assert manifest.items[1].mastery_score == pytest.approx(0.75)
    assert manifest.items[1].data_from_lms == "mode=test"
    assert manifest.items[0].time_limit_action == "exit,message"


def test_scorm12_prerequisites_are_kept():
    files = scorm12_files(extra_items="""<item identifier="SCO-2" identifierref="RES-1">
        <title>Zwei</title><adlcp:prerequisites type="aicc_script">SCO-1</adlcp:prerequisites>
      </item>""")
    manifest, diagnostics = _scorm(files["imsmanifest.xml"], set(files))
    assert diagnostics == []
    assert manifest.items[1].prerequisites == "SCO-1"


def test_missing_launch_file_is_reported_at_its_resource_line():
    files = scorm12_files(launch="sco1/fehlt.html")
    manifest, diagnostics = _scorm(files["imsmanifest.xml"], set(files))
    (error,) = diagnostics
    assert error.code == "package-launch-missing" and "sco1/fehlt.html" in error.message
    line = files["imsmanifest.xml"].split("\n").index(
        next(x for x in files["imsmanifest.xml"].split("\n") if "<resource " in x)) + 1
    assert error.line == line
    assert manifest.items == []


def test_unknown_resource_reference_is_an_error():
    text = scorm12_files()["imsmanifest.xml"].replace('identifierref="RES-1"',
                                                       'identifierref="RES-9"')
    _, diagnostics = _scorm(text, set(scorm12_files()))
    assert [d.code for d in diagnostics] == ["package-resource-unknown"]
    assert "RES-9" in diagnostics[0].message and diagnostics[0].line == 12


@pytest.mark.parametrize("text, expected", [
    ("<notamanifest/>", "not <manifest>"),
    ('<manifest><metadata><schema>ADL SCORM</schema><schemaversion>9.9</schemaversion>'
     '</metadata></manifest>', "unknown SCORM schemaversion"),
    ('<manifest xmlns="urn:other"/>', "cannot tell the SCORM version"),
])
def test_wrong_schema_is_named(text, expected):
    manifest, diagnostics = _scorm(text, set())
    assert manifest is None
    assert diagnostics[0].code == "package-schema" and expected in diagnostics[0].message


def test_xml_errors_and_entities_are_refused_with_their_line():
    _, diagnostics = _scorm("<manifest>\n<organizations>\n</manifest>", set())
    assert diagnostics[0].code == "package-xml" and diagnostics[0].line == 3
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>\n'
            "<manifest>&b;</manifest>")
    _, diagnostics = _scorm(bomb, set())
    assert diagnostics[0].code == "package-xml" and "DOCTYPE" in diagnostics[0].message
    external = '<?xml version="1.0"?>\n<!DOCTYPE m SYSTEM "http://127.0.0.1/x.dtd">\n<m/>'
    _, diagnostics = _scorm(external, set())
    assert "not allowed" in diagnostics[0].message


# --- cmi5 -----------------------------------------------------------------------------


def test_cmi5_structure_gives_aus_with_their_launch_data():
    files = cmi5_files(remote_url="https://aus.example.com/remote/index.html")
    sink = DiagnosticSink("cmi5.xml")
    structure = read_cmi5_structure(files["cmi5.xml"].encode(), sink, set(files))
    assert sink.items == []
    assert structure.title == "DSGVO-Grundlagen"
    local, remote = structure.aus
    assert (local.identifier, local.url, local.move_on, local.mastery_score) == (
        "https://example.com/au/1", "au1/index.html?mode=x", "CompletedAndPassed", 0.8)
    assert local.launch_parameters == '{"level": 1}' and local.entitlement_key == "KEY-1"
    assert local.blocks == ["https://example.com/block/1"] and not local.is_remote
    assert remote.is_remote and remote.launch_method == "OwnWindow"
    assert remote.blocks == ["https://example.com/block/1"]


_NESTED = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/course"><title><langstring lang="de">K</langstring></title>
  </course>
  <block id="outer"><title><langstring lang="de">Außen</langstring></title>
    <au id="a1"><title><langstring lang="de">1</langstring></title><url>a1.html</url></au>
    <block id="inner"><title><langstring lang="de">Innen</langstring></title>
      <au id="a2"><title><langstring lang="de">2</langstring></title><url>a2.html</url></au>
    </block>
  </block>
  <au id="a3"><title><langstring lang="de">3</langstring></title><url>a3.html</url></au>
</courseStructure>
"""


def test_cmi5_nested_blocks_give_each_au_its_block_path():
    sink = DiagnosticSink("cmi5.xml")
    structure = read_cmi5_structure(_NESTED.encode(), sink, {"a1.html", "a2.html", "a3.html"})
    assert sink.items == []
    assert [(au.identifier, au.blocks) for au in structure.aus] == [
        ("a1", ["outer"]), ("a2", ["outer", "inner"]), ("a3", [])]


@pytest.mark.parametrize("inner, expected", [
    ('<block id="outer">', "block id 'outer' is used twice"),
    ('<block id=" ">', "<block> has no id"),
])
def test_cmi5_blocks_need_an_id_used_once(inner, expected):
    sink = DiagnosticSink("cmi5.xml")
    read_cmi5_structure(_NESTED.replace('<block id="inner">', inner).encode(), sink,
                        {"a1.html", "a2.html", "a3.html"})
    assert [(d.code, expected in d.message) for d in sink.items] == [("package-manifest", True)]


def test_block_path_is_in_the_model_only_where_set(course_dir):
    _add_package(course_dir, "dsgvo", cmi5_files(), "dsgvo")
    package = build_package(course_dir, today=TODAY)
    (item,) = package.course.lesson("dsgvo").package.items
    assert item.blocks == ["https://example.com/block/1"]
    as_dict = item.to_dict()
    assert as_dict["blocks"] == ["https://example.com/block/1"]
    assert type(item).from_dict(as_dict) == item
    outside = dataclasses.replace(item, blocks=[]).to_dict()
    assert "blocks" not in outside  # packages (and hashes) of AUs outside blocks stay the same
    assert type(item).from_dict(outside).blocks == []


def test_cmi5_missing_au_file_and_bad_move_on_are_errors():
    files = cmi5_files()
    text = files["cmi5.xml"].replace("au1/index.html", "au9/index.html")
    sink = DiagnosticSink("cmi5.xml")
    read_cmi5_structure(text.encode(), sink, set(files))
    assert [d.code for d in sink.items] == ["package-launch-missing"]
    text = files["cmi5.xml"].replace('moveOn="CompletedAndPassed"', 'moveOn="Whenever"')
    sink = DiagnosticSink("cmi5.xml")
    read_cmi5_structure(text.encode(), sink, set(files))
    assert "unknown moveOn" in sink.items[0].message


# --- course sources with packages -------------------------------------------------------


def test_package_lesson_gets_its_package_and_files_in_the_build(course_dir):
    _add_package(course_dir, "gabelstapler", scorm12_files(), "gabelstapler-grundlagen")
    package = build_package(course_dir, today=TODAY)
    lesson = package.course.lesson("gabelstapler-grundlagen")
    assert lesson.kind == "package"
    ref = lesson.package
    assert (ref.name, ref.standard, ref.version_label) == ("gabelstapler", "scorm12",
                                                            "SCORM 1.2")
    (item,) = ref.items
    assert item.launch == "packages/gabelstapler/sco1/index.html"
    assert item.mastery_score == pytest.approx(0.8)
    media = package.document["media"]
    assert {p for p in media if p.startswith("packages/")} == {
        "packages/gabelstapler/imsmanifest.xml", "packages/gabelstapler/sco1/index.html",
        "packages/gabelstapler/sco1/sco.js", "packages/gabelstapler/sco1/style.css"}
    assert media["packages/gabelstapler/sco1/sco.js"]["media_type"].startswith(
        "text/javascript")
    round_trip = type(package.course).from_dict(package.course.to_dict())
    assert round_trip.lesson("gabelstapler-grundlagen").package == ref


def test_changed_package_file_changes_the_lesson_hash(course_dir):
    _add_package(course_dir, "gabelstapler", scorm12_files(), "gabelstapler-grundlagen")
    before = build_package(course_dir, today=TODAY).course.lesson("gabelstapler-grundlagen")
    (course_dir / "packages/gabelstapler/sco1/sco.js").write_text("window.x = 2;\n")
    after = build_package(course_dir, today=TODAY).course.lesson("gabelstapler-grundlagen")
    assert before.content["de"].content_hash != after.content["de"].content_hash


def test_courses_without_packages_keep_their_package_bytes(course_dir):
    document = build_package(course_dir, today=TODAY).document
    assert "package" not in str(document["course"]["modules"][0]["lessons"][0].keys())


def test_item_selects_one_sco_of_a_multi_sco_package(course_dir):
    _add_package(course_dir, "hv", scorm2004_files(), "hv-teil-2", item="TEIL-2")
    course, diagnostics = load_course(course_dir, today=TODAY)
    assert _errors(diagnostics) == []
    ref = course.lesson("hv-teil-2").package
    assert [i.identifier for i in ref.items] == ["TEIL-2"]


def test_missing_package_and_item_are_reported_at_the_front_matter(course_dir):
    (course_dir / MODULE / "05-a.md").write_text(package_lesson("a", "A", "gibtsnicht"))
    _add_package(course_dir, "hv", scorm2004_files(), "b", item="TEIL-9")
    _, diagnostics = load_course(course_dir, today=TODAY)
    (missing,) = _errors(diagnostics, "package-missing")
    assert missing.path.endswith("05-a.md") and missing.line == 5
    (item,) = _errors(diagnostics, "package-item-missing")
    assert item.path.endswith("05-b.md") and item.line == 6 and "TEIL-1" in item.message


def test_package_without_manifest_and_unused_package(course_dir):
    _add_package(course_dir, "leer", {"index.html": "<p>x</p>"}, "leer")
    _add_package(course_dir, "cmi", cmi5_files())
    _, diagnostics = load_course(course_dir, today=TODAY)
    assert [d.path.split("hv-basics/")[1] for d in _errors(diagnostics)] == ["packages/leer"]
    assert any(d.code == "package-unused" and "cmi" in d.message for d in diagnostics)


def test_broken_manifest_in_course_names_file_and_line(course_dir):
    files = scorm12_files()
    files["imsmanifest.xml"] = files["imsmanifest.xml"].replace("</organizations>", "")
    _add_package(course_dir, "kaputt", files, "kaputt")
    _, diagnostics = load_course(course_dir, today=TODAY)
    (error,) = _errors(diagnostics)
    assert error.path.endswith("packages/kaputt/imsmanifest.xml") and error.line > 1


def test_package_fields_only_on_package_lessons(render):
    lesson = render("---\nid: x\ntitle: X\npackage: p\n---\n# X\n")
    assert any(d["code"] == "field-misplaced" for d in lesson.diagnostics)
    lesson = render("---\nid: x\ntitle: X\ntype: package\n---\n# X\n")
    assert any(d["code"] == "missing-field" for d in lesson.diagnostics)


def test_cmi5_package_with_remote_au(course_dir):
    _add_package(course_dir, "dsgvo", cmi5_files(remote_url="https://aus.example.com/r"),
                 "dsgvo")
    package = build_package(course_dir, today=TODAY)
    ref = package.course.lesson("dsgvo").package
    assert ref.standard == "cmi5"
    assert [i.launch for i in ref.items] == ["packages/dsgvo/au1/index.html?mode=x",
                                             "https://aus.example.com/r"]
    assert ref.items[0].move_on == "CompletedAndPassed"


def test_package_types_apply_only_inside_packages():
    assert media_type("packages/p/index.html").startswith("text/html")
    assert media_type("media/index.html") == "application/octet-stream"


# --- archives ---------------------------------------------------------------------------


def _raw_zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def test_extract_writes_the_files(tmp_path):
    paths = extract_archive(io.BytesIO(zip_bytes(scorm12_files())), tmp_path / "out")
    assert "sco1/index.html" in paths
    assert (tmp_path / "out/sco1/sco.js").read_text().startswith("/*")


@pytest.mark.parametrize("name, expected", [
    ("../evil.html", "zip-slip"),
    ("a/../../evil.html", "zip-slip"),
    ("/etc/passwd", "absolute path"),
    ("C:/windows/x.html", "absolute path"),
    ("a\x01b.html", "control characters"),
])
def test_dangerous_names_are_refused(tmp_path, name, expected):
    data = _raw_zip([(zipfile.ZipInfo(name), b"x")])
    with pytest.raises(ArchiveError, match=expected):
        extract_archive(io.BytesIO(data), tmp_path / "out")
    assert not any((tmp_path / "out").rglob("*"))
    assert not (tmp_path / "evil.html").exists()


def test_symlinks_are_refused(tmp_path):
    info = zipfile.ZipInfo("link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with pytest.raises(ArchiveError, match="symbolic links"):
        extract_archive(io.BytesIO(_raw_zip([(info, b"/etc/passwd")])), tmp_path / "o")


def test_duplicates_and_case_clashes_are_refused(tmp_path):
    with pytest.warns(UserWarning):
        data = _raw_zip([(zipfile.ZipInfo("a.html"), b"1"), (zipfile.ZipInfo("a.html"), b"2")])
    with pytest.raises(ArchiveError, match="twice"):
        extract_archive(io.BytesIO(data), tmp_path / "o")
    data = _raw_zip([(zipfile.ZipInfo("A.html"), b"1"), (zipfile.ZipInfo("a.html"), b"2")])
    with pytest.raises(ArchiveError, match="also as A.html"):
        extract_archive(io.BytesIO(data), tmp_path / "o2")


def _named(placeholder: str, raw_name: bytes) -> bytes:
    """A zip whose member name is ``raw_name`` without the UTF-8 flag (as legacy tools
    write it); zipfile itself would encode and flag it."""
    return _raw_zip([(zipfile.ZipInfo(placeholder), b"x")]).replace(
        placeholder.encode(), raw_name)


def test_non_utf8_names_are_refused_and_utf8_without_flag_is_read(tmp_path):
    latin1 = _named("Xbung.html", "\u00fcbung.html".encode("latin-1"))
    with pytest.raises(ArchiveError, match="not UTF-8"):
        extract_archive(io.BytesIO(latin1), tmp_path / "o")
    utf8 = _named("XYbung.html", "\u00fcbung.html".encode("utf-8"))
    assert extract_archive(io.BytesIO(utf8), tmp_path / "o2") == ["\u00fcbung.html"]


def test_zip_bombs_are_refused_by_size_count_and_ratio(tmp_path):
    big = zip_bytes({"a.bin": b"\0" * (3 * 1024 * 1024)})
    with pytest.raises(ArchiveError, match="more than 2.0 MB"):
        extract_archive(io.BytesIO(big), tmp_path / "a",
                        ArchiveLimits(max_total_bytes=2 * 1024 * 1024))
    with pytest.raises(ArchiveError, match="zip bomb"):
        extract_archive(io.BytesIO(big), tmp_path / "b", ArchiveLimits(max_ratio=50))
    many = zip_bytes({f"f{i}.txt": "x" for i in range(11)})
    with pytest.raises(ArchiveError, match="more than 10 files"):
        extract_archive(io.BytesIO(many), tmp_path / "c", ArchiveLimits(max_files=10))


def test_lying_sizes_are_caught_while_reading(tmp_path):
    data = bytearray(zip_bytes({"a.txt": b"y" * 5000}))
    # shrink the declared size in the central directory: the reader must stop
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    with pytest.raises(ArchiveError):
        extract_archive(io.BytesIO(bytes(data)), tmp_path / "o")


def test_truncated_and_non_zips_are_refused(tmp_path):
    data = zip_bytes(scorm12_files())
    with pytest.raises(ArchiveError, match="truncated"):
        extract_archive(io.BytesIO(data[: len(data) // 2]), tmp_path / "a")
    with pytest.raises(ArchiveError, match="not a zip"):
        extract_archive(io.BytesIO(b"<html>nope</html>"), tmp_path / "b")


def test_common_folder_is_found():
    assert common_folder(["kurs/imsmanifest.xml", "kurs/a.html"], ("imsmanifest.xml",)) == \
        "kurs"
    assert common_folder(["imsmanifest.xml", "a/b.html"], ("imsmanifest.xml",)) == ""
