"""A course with SCORM package lessons written in the tests, whose SCOs really talk to the
runtime: a SCORM 1.2 single-SCO package and a SCORM 2004 package with three items (a SCO
that suspends and resumes, a scored SCO, an asset). Shared by the HTTP and browser tests."""

from pathlib import Path

from authoring.scaffold import new_course
from tests.package_kit import package_lesson, scorm12_files, scorm2004_files

SLUG = "scorm-test"
MODULE = "modules/01-einfuehrung"
LESSON_12 = "stapler"
LESSON_2004 = "hochvolt"

SCO_HTML = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>{title}</title>
<script src="{script}" defer></script></head>
<body><h1>{title}</h1>
<p id="status">geladen</p>
{buttons}
</body></html>
"""

#: finds the runtime API the way SCOs do: up the parent frames, then the opener
FIND_API = """
function findApi(name) {
  var win = window, tries = 0;
  while (win && tries < 10) {
    if (win[name]) { return win[name]; }
    if (win.parent === win) { break; }
    win = win.parent; tries += 1;
  }
  return window.opener ? window.opener[name] : null;
}
function show(text) { document.getElementById("status").textContent = text; }
"""

SCO12_JS = FIND_API + """
var api = findApi("API");
api.LMSInitialize("");
show("bereit entry=" + api.LMSGetValue("cmi.core.entry")
     + " mastery=" + api.LMSGetValue("cmi.student_data.mastery_score")
     + " launch=" + api.LMSGetValue("cmi.launch_data"));
document.getElementById("finish").addEventListener("click", function () {
  api.LMSSetValue("cmi.core.lesson_location", "folie-12");
  api.LMSSetValue("cmi.core.score.min", "0");
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.score.raw", "85");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSSetValue("cmi.core.session_time", "00:02:30");
  var committed = api.LMSCommit("");
  var finished = api.LMSFinish("");
  show("fertig commit=" + committed + " finish=" + finished);
});
"""

SCO2004_PART1_JS = FIND_API + """
var api = findApi("API_1484_11");
api.Initialize("");
show("entry=" + api.GetValue("cmi.entry") + " location=" + api.GetValue("cmi.location")
     + " data=" + api.GetValue("cmi.suspend_data"));
document.getElementById("pause").addEventListener("click", function () {
  api.SetValue("cmi.location", "seite-3");
  api.SetValue("cmi.suspend_data", "seite=3;antworten=a,b");
  api.SetValue("cmi.completion_status", "incomplete");
  api.SetValue("cmi.exit", "suspend");
  api.SetValue("cmi.session_time", "PT1M");
  var committed = api.Commit("");
  var ended = api.Terminate("");
  show("pausiert commit=" + committed + " terminate=" + ended);
});
document.getElementById("finish").addEventListener("click", function () {
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.exit", "normal");
  api.SetValue("cmi.session_time", "PT30S");
  var ended = api.Terminate("");
  show("beendet terminate=" + ended);
});
"""

SCO2004_PART2_JS = FIND_API + """
var api = findApi("API_1484_11");
api.Initialize("");
show("bereit passing=" + api.GetValue("cmi.scaled_passing_score"));
document.getElementById("finish").addEventListener("click", function () {
  api.SetValue("cmi.score.scaled", "0.9");
  api.SetValue("cmi.score.raw", "9");
  api.SetValue("cmi.score.min", "0");
  api.SetValue("cmi.score.max", "10");
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.session_time", "PT2M");
  var success = api.GetValue("cmi.success_status");
  var ended = api.Terminate("");
  show("bewertet terminate=" + ended + " success=" + success);
});
"""


def _write(root: Path, files: dict) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8") if isinstance(content, str) \
            else target.write_bytes(content)


def scorm12_package() -> dict[str, str]:
    files = scorm12_files(title="Gabelstapler: Grundlagen")
    files["sco1/index.html"] = SCO_HTML.format(
        title="Gabelstapler", script="sco.js",
        buttons='<button type="button" id="finish">Abschließen</button>')
    files["sco1/sco.js"] = SCO12_JS
    return files


def scorm2004_package() -> dict[str, str]:
    files = scorm2004_files()
    files["content/teil1/index.html"] = SCO_HTML.format(
        title="Teil 1", script="teil1.js",
        buttons='<button type="button" id="pause">Pause</button>'
                '<button type="button" id="finish">Fertig</button>')
    files["content/teil1/teil1.js"] = SCO2004_PART1_JS
    files["content/teil2/start.html"] = SCO_HTML.format(
        title="Teil 2", script="teil2.js",
        buttons='<button type="button" id="finish">Test abgeben</button>')
    files["content/teil2/teil2.js"] = SCO2004_PART2_JS
    return files


def write_scorm_course(root: Path) -> Path:
    """Scaffold a course whose lessons are one text lesson and the two package lessons;
    completion: every lesson done, no quiz, no assessment, no session."""
    course = new_course(root / SLUG, SLUG, title="SCORM im Test")
    module = course / MODULE
    for name in ("02-quiz.md", "03-praxis.md", "04-abschlusstest.md"):
        (module / name).unlink()
    course_file = course / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    text = text.replace("  quizzes: passed\n", "").replace("  assessment: passed\n", "")
    text = text.replace("  sessions: 1\n", "  sessions: 0\n")
    course_file.write_text(text, encoding="utf-8")
    _write(course / "packages" / "gabelstapler", scorm12_package())
    _write(course / "packages" / "hochvolt", scorm2004_package())
    (module / "02-stapler.md").write_text(
        package_lesson(LESSON_12, "Gabelstapler", "gabelstapler"), encoding="utf-8")
    (module / "03-hochvolt.md").write_text(
        package_lesson(LESSON_2004, "Hochvolt", "hochvolt"), encoding="utf-8")
    return course
