"""Helpers for the quiz tests: a small bilingual course with a question of every kind,
and the quiz form read the way a browser sees it. Fixtures are in ``quiz_fixtures``."""

import re
import uuid
from pathlib import Path

from authoring.scaffold import new_course
from lms.db import utcnow
from lms.extensions import db
from lms.learning.models import Enrolment
from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parents[3]
SLUG = "quiz-test"
QUIZ = "quiz-test-quiz"
ASSESSMENT = "quiz-test-abschlusstest"

QUIZ_DE = """---
id: quiz-test-quiz
title: Quiz mit allen Fragearten
type: quiz
minutes: 10
pass_mark: 70
attempts: 3
---

# Quiz mit allen Fragearten

Beantworten Sie die sieben Fragen.

:::quiz id=q-single
Welches Bauteil hat ein BEV nicht mehr?
[( )] Bremsscheibe
> FEEDBACK-SINGLE-WRONG
[(X)] Abgasanlage
> FEEDBACK-SINGLE-RIGHT
[( )] Lenkgetriebe
Erklärung: EXPLANATION-SINGLE
:::

:::quiz id=q-multiple points=2
Welche Teile gehören zum Hochvoltsystem?
[[X]] Traktionsbatterie
[[ ]] Scheibenwischermotor
> FEEDBACK-MULTIPLE-WRONG
[[X]] Inverter
Erklärung: EXPLANATION-MULTIPLE
:::

:::quiz id=q-truefalse
LFP-Zellen enthalten kein Kobalt.
[(wahr)]
> FEEDBACK-TRUEFALSE
:::

:::quiz id=q-gap
Die erste Sicherheitsregel lautet: [[Freischalten|Frei schalten]].
> FEEDBACK-GAP
:::

:::quiz id=q-numeric
Wie viele Kilowattstunden sind 49,5 kWh?
[[= 49,5 ± 0]] kWh
> FEEDBACK-NUMERIC
Erklärung: EXPLANATION-NUMERIC
:::

:::quiz id=q-ordering
Bringen Sie die Schritte in die richtige Reihenfolge.
[#] Freischalten
[#] Sichern
[#] Prüfen
> FEEDBACK-ORDERING
:::

:::quiz id=q-matching
Ordnen Sie die Zellchemie zu.
[=] LFP -> zyklenfest
[=] NMC -> energiedicht
> FEEDBACK-MATCHING
:::
"""

QUIZ_EN = """---
id: quiz-test-quiz
title: Quiz with every question kind
type: quiz
minutes: 10
pass_mark: 70
attempts: 3
---

# Quiz with every question kind

Answer the seven questions.

:::quiz id=q-single
Which part does a BEV no longer have?
[( )] Brake disc
> FEEDBACK-SINGLE-WRONG
[(X)] Exhaust system
> FEEDBACK-SINGLE-RIGHT
[( )] Steering gear
Explanation: EXPLANATION-SINGLE
:::

:::quiz id=q-multiple points=2
Which parts belong to the high-voltage system?
[[X]] Traction battery
[[ ]] Wiper motor
> FEEDBACK-MULTIPLE-WRONG
[[X]] Inverter
Explanation: EXPLANATION-MULTIPLE
:::

:::quiz id=q-truefalse
LFP cells contain no cobalt.
[(true)]
> FEEDBACK-TRUEFALSE
:::

:::quiz id=q-gap
The first safety rule is: [[disconnect|isolate]].
> FEEDBACK-GAP
:::

:::quiz id=q-numeric
How many kilowatt hours are 49.5 kWh?
[[= 49.5 ± 0]] kWh
> FEEDBACK-NUMERIC
Explanation: EXPLANATION-NUMERIC
:::

:::quiz id=q-ordering
Put the steps in the right order.
[#] Disconnect
[#] Secure
[#] Verify
> FEEDBACK-ORDERING
:::

:::quiz id=q-matching
Match the cell chemistry.
[=] LFP -> long cycle life
[=] NMC -> high energy density
> FEEDBACK-MATCHING
:::
"""

ASSESSMENT_DE = """---
id: quiz-test-abschlusstest
title: Abschlusstest
type: assessment
minutes: 10
pass_mark: 100
attempts: 2
---

# Abschlusstest

:::quiz id=a-single
Welche Spannung gilt im Fahrzeug als Hochvolt?
[( )] 12 V
> FEEDBACK-ASSESSMENT-WRONG
[(X)] 400 V
> FEEDBACK-ASSESSMENT-RIGHT
Erklärung: EXPLANATION-ASSESSMENT
:::

:::quiz id=a-truefalse
Hochvolt beginnt bei 60 V Gleichspannung.
[(wahr)]
> FEEDBACK-ASSESSMENT-TRUEFALSE
:::
"""

SOLUTION_MARKERS = ("FEEDBACK-", "EXPLANATION-", "is_correct", "Erklärung:", "Explanation:")


def write_quiz_course(root: Path) -> Path:
    """Scaffold a course and give it the quiz (German and English) and the assessment."""
    course = new_course(root / SLUG, SLUG)
    course_file = course / "course.yml"
    course_file.write_text(
        course_file.read_text(encoding="utf-8").replace("languages: [de]", "languages: [de, en]"),
        encoding="utf-8")
    module = course / "modules" / "01-einfuehrung"
    (module / "02-quiz.md").write_text(QUIZ_DE, encoding="utf-8")
    (module / "02-quiz.en.md").write_text(QUIZ_EN, encoding="utf-8")
    (module / "04-abschlusstest.md").write_text(ASSESSMENT_DE, encoding="utf-8")
    return course


def enrol_directly(user, course) -> Enrolment:
    """An active enrolment row on the published version, without the enrolment service."""
    enrolment = Enrolment(
        user=user, course=course, course_version_id=course.published_version_id,
        registration=str(uuid.uuid4()), status="active", source="self", enrolled_at=utcnow())
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def quiz_url(lesson_id: str = QUIZ, slug: str = SLUG) -> str:
    return f"/learn/{slug}/{lesson_id}/quiz"


class QuizPage:
    """The quiz form as a browser sees it: field names and option ids read from the HTML."""

    def __init__(self, html: str):
        self.html = html
        self.csrf = csrf_token_from(html)
        number = re.search(r'name="attempt" value="(\d+)"', html)
        self.attempt = number.group(1) if number else None

    def options(self, field: str) -> dict[str, str]:
        """Option label text → value of the radios/checkboxes named ``field``."""
        found = {}
        pattern = re.compile(
            rf'name="{re.escape(field)}" id="([^"]+)" value="([^"]+)">'
            r'\s*<label for="\1">(.*?)</label>', re.S)
        for _id, value, label in pattern.findall(self.html):
            found[re.sub(r"<[^>]+>", "", label).strip()] = value
        return found

    def selects(self, prefix: str) -> dict[str, tuple[str, dict[str, str]]]:
        """Label text → (select name, {option text: value}) for selects named ``prefix…``."""
        found = {}
        pattern = re.compile(
            rf'<label for="({re.escape(prefix)}[^"]+)">(.*?)</label>'
            r'\s*<select name="\1" id="\1">(.*?)</select>', re.S)
        for name, label, body in pattern.findall(self.html):
            options = {text.strip(): value for value, text in
                       re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', body, re.S)}
            found[re.sub(r"<[^>]+>", "", label).strip()] = (name, options)
        return found

    def form(self, **fields) -> dict:
        data = {"csrf_token": self.csrf}
        if self.attempt:
            data["attempt"] = self.attempt
        data.update(fields)
        return data


def open_quiz(client, lesson_id: str = QUIZ) -> QuizPage:
    response = client.get(quiz_url(lesson_id))
    assert response.status_code == 200, response.status_code
    return QuizPage(response.get_data(as_text=True))


def right_answers(page: QuizPage, language: str = "de") -> dict:
    """The form fields that answer every question of the quiz correctly."""
    words = {
        "de": {"single": "Abgasanlage", "multiple": ("Traktionsbatterie", "Inverter"),
               "true": "wahr", "gap": "freischalten", "number": "49,5",
               "order": ("Freischalten", "Sichern", "Prüfen"),
               "pairs": {"LFP": "zyklenfest", "NMC": "energiedicht"}},
        "en": {"single": "Exhaust system", "multiple": ("Traction battery", "Inverter"),
               "true": "true", "gap": "Isolate", "number": "49.5",
               "order": ("Disconnect", "Secure", "Verify"),
               "pairs": {"LFP": "long cycle life", "NMC": "high energy density"}},
    }[language]
    data = {
        "q-q-single": page.options("q-q-single")[words["single"]],
        "q-q-multiple": [page.options("q-q-multiple")[text] for text in words["multiple"]],
        "q-q-truefalse": page.options("q-q-truefalse")[words["true"]],
        "q-q-gap-g1": words["gap"],
        "q-q-numeric-value": words["number"],
    }
    ordering = page.selects("q-q-ordering-")
    for position, text in enumerate(words["order"], start=1):
        data[ordering[text][0]] = str(position)
    matching = page.selects("q-q-matching-")
    for left, right in words["pairs"].items():
        name, options = matching[left]
        data[name] = options[right]
    return data
