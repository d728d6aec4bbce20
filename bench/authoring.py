"""Benchmark of course builds: a generated 200-lesson course cold and warm, and courses/."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.build import build_package, load_course  # noqa: E402 - after the path setup
from authoring.cache import DirectoryCache, MemoryCache  # noqa: E402
from authoring.cli import find_courses  # noqa: E402
from authoring.scaffold import new_course  # noqa: E402

LESSON = """\
---
id: lektion-{module}-{number}
title: Lektion {module}.{number}
minutes: 15
---

# Lektion {module}.{number}

Ein {{{{Lernziel}}}} beschreibt, was Teilnehmende danach können. Dieser Absatz ist
absichtlich etwas länger, damit die Lektion einer echten Lektion ähnelt: **Fettdruck**,
*Kursivschrift* und eine Aufzählung.

- Erster Punkt mit `Code`
- Zweiter Punkt mit einem [Verweis auf die Quelle](https://www.bibb.de/)

## Abschnitt mit Tabelle

| Größe | Einheit |
|-------|---------|
| Spannung | V |
| Strom | A |

:::warning
Vor Arbeiten am Fahrzeug immer freischalten.
:::

![Schema eines Antriebsstrangs mit Batterie und Motor](media/schema.svg "Abb. {number}")

## Quellen

- Bundesinstitut für Berufsbildung (Stand 2025).
"""

QUIZ = """\
---
id: quiz-{module}
title: Quiz {module}
type: quiz
---

# Quiz {module}

:::quiz id=frage-{module}-1
Was beschreibt ein Lernziel?
[( )] Die Dauer
[(X)] Was Teilnehmende danach können
> Richtig.
[( )] Den Raum
Erklärung: Lernziele beschreiben Können.
:::

:::quiz id=frage-{module}-2
Die erste Sicherheitsregel lautet [[Freischalten]].
:::

:::quiz id=frage-{module}-3
Wie viele kWh sind 100 kW für 30 Minuten?
[[= 50 ± 1]] kWh
:::
"""


def report(line: str) -> None:
    sys.stdout.write(line + "\n")


def generate(root: Path, lessons: int) -> Path:
    """Create a course with ``lessons`` lessons (19 lessons and a quiz per module)."""
    course = new_course(root / "bench-kurs")
    (course / "media/schema.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', encoding="utf-8"
    )
    per_module = 20
    for module in range(2, lessons // per_module + 2):
        folder = course / f"modules/{module:02d}-modul-{module}"
        folder.mkdir(parents=True)
        (folder / "module.yml").write_text(
            f"id: modul-{module}\ntitle:\n  de: Modul {module}\n", encoding="utf-8"
        )
        for number in range(1, per_module):
            (folder / f"{number:02d}-lektion.md").write_text(
                LESSON.format(module=module, number=number), encoding="utf-8"
            )
        (folder / f"{per_module}-quiz.md").write_text(QUIZ.format(module=module),
                                                      encoding="utf-8")
    return course


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def bench_generated(lessons: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course = generate(Path(tmp), lessons)
        cache_dir = Path(tmp) / ".atlas-cache"
        package, cold = timed(lambda: build_package(course, cache=DirectoryCache(cache_dir)))
        count = sum(1 for _ in package.course.lessons())
        _, warm = timed(lambda: build_package(course, cache=DirectoryCache(cache_dir)))
        changed = course / "modules/05-modul-5/07-lektion.md"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nNeu.\n", encoding="utf-8")
        _, one = timed(lambda: build_package(course, cache=DirectoryCache(cache_dir)))
        memory = MemoryCache()
        build_package(course, cache=memory)
        changed.write_text(changed.read_text(encoding="utf-8") + "\nNoch neuer.\n",
                           encoding="utf-8")
        _, one_memory = timed(lambda: build_package(course, cache=memory))
        report(f"generated course: {count} lessons")
        report(f"  cold build (disk cache empty)   {cold:7.3f} s  {count / cold:7.0f} lessons/s")
        report(f"  warm build, nothing changed      {warm:7.3f} s")
        report(f"  warm build, one lesson changed   {one:7.3f} s  (disk cache)")
        report(f"  warm build, one lesson changed   {one_memory:7.3f} s  (memory cache)")


def bench_courses(paths: list[Path]) -> None:
    courses = find_courses(paths)
    if not courses:
        return
    total = 0.0
    for course_dir in courses:
        def cold(course_dir=course_dir):
            cache = MemoryCache()
            _, diagnostics = load_course(course_dir, cache)
            errors = [d for d in diagnostics if d.is_error]
            package = None if errors else build_package(course_dir, cache=cache)
            return diagnostics, package

        (diagnostics, package), seconds = timed(cold)
        total += seconds
        lessons = sum(1 for _ in package.course.lessons()) if package else 0
        state = package.digest[:19] if package else f"{len(diagnostics)} diagnostics, not built"
        report(f"{course_dir.as_posix()}: validate+build cold {seconds:6.3f} s, "
               f"{lessons} lessons, {state}")
    report(f"all courses: validate+build cold {total:6.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lessons", type=int, default=200)
    parser.add_argument("--courses", type=Path, default=ROOT / "courses")
    args = parser.parse_args()
    bench_generated(args.lessons)
    if args.courses.is_dir():
        bench_courses([args.courses])
    return 0


if __name__ == "__main__":
    sys.exit(main())
