"""A new course folder that validates clean, as a starting point for trainers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from authoring import currency
from authoring.ids import is_valid_id
from authoring.model import DEFAULT_LANGUAGE, LANGUAGES, SUBJECTS

COURSE_YML = """\
id: {course_id}
version: 0.1.0
title:
  de: {title}
  en: New course
description:
  de: >-
    Beschreiben Sie hier in zwei, drei Sätzen, was der Kurs vermittelt.
  en: >-
    Describe in two or three sentences what the course teaches.
subject: {subject}             # a key of the subject list (admins keep it in the LMS)
level: beginner                 # beginner | intermediate | advanced
target_group:
  de: Beschäftigte in der Produktion
  en: Production staff
duration_hours: 4
languages: [{languages}]
self_enrolment: true
prerequisites:
  de: [Keine Vorkenntnisse erforderlich]
objectives:
  de: [Sie kennen die Grundbegriffe des Themas.]
pass_mark: 70
completion:
  lessons: all
  quizzes: passed
  assessment: passed
  sessions: 1
certificate:
  enabled: true
  validity_months: null
  template: default
  statement:
    de: Die Teilnehmenden kennen die Grundbegriffe des Themas.
"""

GLOSSARY_YML = """\
- term: Lernziel
  de: Was Teilnehmende nach der Lektion können sollen.
  en: What participants can do after the lesson.
"""

MODULE_YML = """\
id: einfuehrung
title:
  de: Einführung
  en: Introduction
description:
  de: Der erste Schritt in das Thema.
"""

LESSON_MD = """\
---
id: {course_id}-einstieg
title: Einstieg
type: lesson
minutes: 15
objectives:
  - Sie kennen das {{{{Lernziel}}}} dieser Lektion.
reviewed: {reviewed}
---

# Einstieg

:::summary
Jede Lektion beginnt mit diesem Kasten. Er sagt das Wichtigste in einfacher Sprache.
Die Sätze sind kurz. Jeder Satz sagt eine Sache.
:::

Jede Lektion beginnt mit einer Überschrift der Ebene 1 und nennt ihr {{{{Lernziel}}}}.

:::tip
Kurze Absätze und Zwischenüberschriften erleichtern das Lesen am Arbeitsplatz.
:::

## Quellen

- Bundesinstitut für Berufsbildung: Ausbildungsordnungen (Stand 2025). https://www.bibb.de/
"""

QUIZ_MD = """\
---
id: {course_id}-quiz
title: Quiz Einführung
type: quiz
minutes: 5
reviewed: {reviewed}
---

# Quiz Einführung

:::quiz id={course_id}-q1
Womit beginnt jede Lektion?
[( )] Mit einer Tabelle
[(X)] Mit einer Überschrift der Ebene 1
> Richtig.
[( )] Mit einem Video
Erklärung: Die Überschrift der Ebene 1 ist der Titel der Lektion.
:::
"""

SESSION_MD = """\
---
id: {course_id}-praxis
title: Praxistermin
type: session
minutes: 120
format: on-site
duration_minutes: 120
agenda:
  - "09:00 Begrüßung"
  - "09:30 Übung"
bring:
  - Persönliche Schutzausrüstung
trainer_checks:
  - Teilnehmende führen die Übung sicher durch
reviewed: {reviewed}
---

# Praxistermin

Im Praxistermin wenden Sie das Gelernte an.
"""

ASSESSMENT_MD = """\
---
id: {course_id}-abschlusstest
title: Abschlusstest
type: assessment
minutes: 10
reviewed: {reviewed}
---

# Abschlusstest

:::quiz id={course_id}-a1
Eine Lektion vom Typ lesson endet mit einem Abschnitt [[Quellen|Sources]].
:::
"""

FILES = {
    "course.yml": COURSE_YML,
    "glossary.yml": GLOSSARY_YML,
    "modules/01-einfuehrung/module.yml": MODULE_YML,
    "modules/01-einfuehrung/01-einstieg.md": LESSON_MD,
    "modules/01-einfuehrung/02-quiz.md": QUIZ_MD,
    "modules/01-einfuehrung/03-praxis.md": SESSION_MD,
    "modules/01-einfuehrung/04-abschlusstest.md": ASSESSMENT_MD,
    "media/.gitkeep": "",
}


class ScaffoldError(ValueError):
    """The course cannot be created there or with that id."""


def new_course(dest: str | Path, course_id: str | None = None, *, title: str = "Neuer Kurs",
               subject: str = SUBJECTS[0], languages: Sequence[str] = (DEFAULT_LANGUAGE,),
               ) -> Path:
    """Create a minimal course folder that passes validation without warnings (with German
    only; each further language adds warnings that say which texts to translate).

    The one scaffold: ``python -m authoring new`` and the studio's "Neuer Kurs" use it.

    :param dest: the folder to create; it must not exist or be empty.
    :param course_id: defaults to the folder name.
    :param title: the German title of the course.
    :param subject: the subject key written to ``course.yml``.
    :param languages: the course's languages; German is always first.
    :raises ScaffoldError: when ``dest`` has files, the id is not a valid id or a language
        is unknown.
    """
    root = Path(dest)
    course_id = course_id or root.name
    if not is_valid_id(course_id):
        raise ScaffoldError(
            f"'{course_id}' is not a valid course id (lowercase letters, digits, hyphens)"
        )
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown:
        raise ScaffoldError(f"unknown language(s): {', '.join(unknown)}")
    languages = [DEFAULT_LANGUAGE] + [lang for lang in languages if lang != DEFAULT_LANGUAGE]
    title = " ".join((title or "").split()) or "Neuer Kurs"
    if root.exists() and any(root.iterdir()):
        raise ScaffoldError(f"{root} exists and is not empty")
    reviewed = currency.today().isoformat()  # a new lesson is checked when it is written
    for relative, template in FILES.items():
        file = root / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(template.format(
            course_id=course_id, reviewed=reviewed, subject=subject,
            languages=", ".join(languages),
            title=json.dumps(title, ensure_ascii=False)), encoding="utf-8")
    return root
