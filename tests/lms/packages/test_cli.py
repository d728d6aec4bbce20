"""`atlas course import-package`: into a course's draft, or as a course of its own."""

from sqlalchemy import select

from authoring.scaffold import new_course
from lms.catalog import services as catalog
from lms.db import utcnow
from lms.extensions import db
from lms.packages import authority
from lms.studio import drafts
from tests.package_kit import cmi5_files, scorm12_files, scorm2004_files, zip_bytes


def _zip(tmp_path, files, name="gabelstapler.zip", prefix=""):
    path = tmp_path / name
    path.write_bytes(zip_bytes(files, prefix=prefix))
    return path


def test_new_course_of_its_own_gets_a_lesson_per_sco_and_is_published(runner, tmp_path):
    file = _zip(tmp_path, scorm2004_files(), "hv-sensibilisierung.zip", prefix="export/")
    result = runner.invoke(args=["course", "import-package", str(file),
                                 "--new-course", "hv-paket", "--title", "HV kompakt"])
    assert result.exit_code == 0, result.output
    assert "3 lesson(s)" in result.output
    version = catalog.find_published_course("hv-paket")
    model = catalog.load_version_model(version)
    (module,) = model.modules
    assert [(lesson.kind, lesson.package.items[0].identifier) for lesson in module.lessons] \
        == [("package", "TEIL-1"), ("package", "TEIL-2"), ("package", "GLOSSAR")]
    assert module.lessons[0].package.items[0].launch == \
        "packages/hv-sensibilisierung/content/teil1/index.html"
    assert model.title["de"] == "HV kompakt"
    media = catalog.version_media(version)
    assert "packages/hv-sensibilisierung/content/shared.js" in media
    # the operator imported it: the package credits without waiting
    client = authority.package_client("hv-paket", "hv-sensibilisierung")
    assert len(client.grants) == 3
    # and the studio has it as the course's draft
    assert drafts.read_file(version.course, "packages/hv-sensibilisierung/imsmanifest.xml")


def test_into_a_module_of_an_existing_course_writes_the_draft(runner, app, tmp_path):
    root = new_course(tmp_path / "kurs-a", "kurs-a")
    catalog.import_course(root, None, utcnow())
    db.session.commit()
    file = _zip(tmp_path, scorm12_files())
    result = runner.invoke(args=["course", "import-package", str(file), "--course", "kurs-a",
                                 "--module", "einfuehrung"])
    assert result.exit_code == 0, result.output
    course = catalog.find_published_course("kurs-a").course
    paths = [row.path for row in drafts.list_files(course)]
    lesson = next(p for p in paths if p.endswith("-gabelstapler-grundlagen.md"))
    assert lesson.startswith("modules/01-einfuehrung/")
    text = drafts.read_text(course, lesson)
    assert "type: package" in text and "package: gabelstapler" in text
    assert "packages/gabelstapler/sco1/sco.js" in paths
    # the published version is untouched until the draft is published
    assert "packages/gabelstapler/sco1/sco.js" not in catalog.version_media(
        catalog.find_published_course("kurs-a"))


def test_bad_packages_and_arguments_write_nothing(runner, tmp_path):
    broken = scorm12_files(launch="sco1/fehlt.html")
    file = _zip(tmp_path, broken, "kaputt.zip")
    result = runner.invoke(args=["course", "import-package", str(file),
                                 "--new-course", "kaputt"])
    assert result.exit_code == 1
    assert "kaputt.zip/imsmanifest.xml:" in result.output
    assert "sco1/fehlt.html" in result.output
    assert db.session.scalar(select(catalog.Course).where(catalog.Course.slug == "kaputt")) \
        is None
    slip = tmp_path / "slip.zip"
    slip.write_bytes(zip_bytes({"../evil.html": "x", "cmi5.xml": cmi5_files()["cmi5.xml"]}))
    result = runner.invoke(args=["course", "import-package", str(slip), "--new-course", "x"])
    assert result.exit_code == 1 and "zip-slip" in result.output
    result = runner.invoke(args=["course", "import-package", str(file)])
    assert result.exit_code == 2
    result = runner.invoke(args=["course", "import-package", str(_zip(tmp_path, scorm12_files())),
                                 "--course", "gibtsnicht", "--module", "m"])
    assert result.exit_code == 1 and "no course gibtsnicht" in result.output
