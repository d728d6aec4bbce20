"""A small course written for the export tests: every question kind, two languages, a
figure with a language variant, a glossary term, a check, an open question, two modules."""

from pathlib import Path

from tests.fixtures.courses import tiny_png

COURSE_YML = """\
id: export-demo
version: 1.0.0
title:
  de: Export-Demo
  en: Export demo
description:
  de: Ein kleiner Kurs zum Prüfen der Paket-Exporte.
  en: A small course to check the package exports.
subject: e-mobility
level: beginner
target_group:
  de: Beschäftigte in der Produktion
duration_hours: 1
languages: [de, en]
self_enrolment: true
pass_mark: 70
completion:
  lessons: all
  quizzes: passed
certificate:
  enabled: false
"""

GLOSSARY_YML = """\
- term: Hochvolt
  de: Spannung über 60 V Gleichspannung oder 30 V Wechselspannung.
  en: Voltage above 60 V DC or 30 V AC.
"""

MODULE_1 = """\
id: grundlagen
title:
  de: Grundlagen
  en: Basics
description:
  de: Was Hochvolt bedeutet.
  en: What high voltage means.
"""

MODULE_2 = """\
id: vertiefung
title:
  de: Vertiefung
  en: In depth
description:
  de: Weiterlesen ohne Test.
"""

LESSON_DE = """\
---
id: einstieg
title: Einstieg
type: lesson
minutes: 5
reviewed: 2026-12-01
---

# Einstieg

Ab 60 V Gleichspannung spricht man von {{Hochvolt}}.

![Schema der Spannungsklassen](media/schema.png "Abb. 1: Spannungsklassen")

:::check id=check-grenze
Ab wie viel Volt Gleichspannung beginnt Hochvolt?
[( )] 24 V
[(X)] 60 V
:::

## Quellen

- DGUV Information 209-093 (Stand 2025).
"""

LESSON_EN = """\
---
id: einstieg
title: Getting started
type: lesson
minutes: 5
reviewed: 2026-12-01
---

# Getting started

Above 60 V DC we speak of {{high voltage|Hochvolt}}.

![Diagram of the voltage classes](media/schema.png "Fig. 1: Voltage classes")

:::check id=check-grenze
From how many volts DC does high voltage start?
[( )] 24 V
[(X)] 60 V
:::

## Sources

- DGUV Information 209-093 (as of 2025).
"""

QUIZ_DE = """\
---
id: test-grundlagen
title: Test Grundlagen
type: quiz
minutes: 5
pass_mark: 70
reviewed: 2026-12-01
---

# Test Grundlagen

:::quiz id=q-single
Ab wie viel Volt Gleichspannung gilt ein System als Hochvolt?
[( )] 24 V
[(X)] 60 V
[( )] 400 V
:::

:::quiz id=q-multiple
Welche Fahrzeuge haben ein Hochvolt-System?
[[X]] BEV
[[X]] PHEV
[[ ]] Mild-Hybrid mit 48 V
:::

:::quiz id=q-gap
Die Grenze liegt bei [[60]] Volt.
:::

:::quiz id=q-numeric
Wie viele Volt sind es genau?
[[= 60 ± 0.5]] V
:::

:::quiz id=q-truefalse
48 V gelten als Hochvolt.
[(falsch)]
:::

:::quiz id=q-ordering
Bringen Sie die Schritte in die richtige Reihenfolge.
[#] Freischalten
[#] Gegen Wiedereinschalten sichern
[#] Spannungsfreiheit feststellen
:::

:::quiz id=q-matching
Ordnen Sie zu.
[=] BEV -> nur elektrisch
[=] PHEV -> elektrisch und Verbrenner
:::

:::open id=q-open
Beschreiben Sie Ihren Arbeitsplatz.
:::
"""

QUIZ_EN = """\
---
id: test-grundlagen
title: Basics test
type: quiz
minutes: 5
pass_mark: 70
reviewed: 2026-12-01
---

# Basics test

:::quiz id=q-single
From how many volts DC is a system high voltage?
[( )] 24 V
[(X)] 60 V
[( )] 400 V
:::

:::quiz id=q-multiple
Which vehicles have a high-voltage system?
[[X]] BEV
[[X]] PHEV
[[ ]] Mild hybrid with 48 V
:::

:::quiz id=q-gap
The limit is [[60]] volts.
:::

:::quiz id=q-numeric
How many volts exactly?
[[= 60 ± 0.5]] V
:::

:::quiz id=q-truefalse
48 V count as high voltage.
[(false)]
:::

:::quiz id=q-ordering
Put the steps in order.
[#] Disconnect
[#] Secure against reconnection
[#] Verify the absence of voltage
:::

:::quiz id=q-matching
Match.
[=] BEV -> electric only
[=] PHEV -> electric and combustion
:::

:::open id=q-open
Describe your workplace.
:::
"""

READING_DE = """\
---
id: weiterlesen
title: Weiterlesen
type: lesson
minutes: 5
reviewed: 2026-12-01
---

# Weiterlesen

Mehr zur {{Hochvolt}}-Sicherheit.

## Quellen

- DGUV Information 209-093 (Stand 2025).
"""

FILES = {
    "course.yml": COURSE_YML,
    "glossary.yml": GLOSSARY_YML,
    "modules/01-grundlagen/module.yml": MODULE_1,
    "modules/01-grundlagen/01-einstieg.md": LESSON_DE,
    "modules/01-grundlagen/01-einstieg.en.md": LESSON_EN,
    "modules/01-grundlagen/02-test.md": QUIZ_DE,
    "modules/01-grundlagen/02-test.en.md": QUIZ_EN,
    "modules/02-vertiefung/module.yml": MODULE_2,
    "modules/02-vertiefung/01-weiterlesen.md": READING_DE,
}

#: the right answers of the quiz, as a learner gives them in the German player
QUIZ_ID = "test-grundlagen"


def write_export_course(dest: Path) -> Path:
    """Write the course folder into ``dest/export-demo`` and return it."""
    root = dest / "export-demo"
    for relative, text in FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "media").mkdir(exist_ok=True)
    (root / "media" / "schema.png").write_bytes(tiny_png())
    (root / "media" / "schema.en.png").write_bytes(tiny_png() + b"\x00")
    return root
