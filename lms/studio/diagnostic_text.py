"""German wording of the authoring library's diagnostics, for the studio's German pages.

The library (``authoring``) reports in English and knows nothing of Flask or Babel; each
diagnostic carries a stable ``code``. The studio maps the code to a German sentence and keeps
the library's specific message (ids, values, line references) as a detail. The English UI
shows the library's own message, which already is English.
"""

from flask_babel import get_locale
from markupsafe import Markup, escape

#: code → what is wrong and what to do, in the studio's German
GERMAN = {
    "applies-missing": "Die Lektion erklärt eine gesetzliche Pflicht (legal: true), es fehlt "
                       "der Kasten „Gilt das für uns?“ (:::applies).",
    "check-in-quiz": "Verständnisfragen (:::check) gehören in Lektionen, nicht in Tests.",
    "check-missing": "Eine Lektion ab 20 Minuten braucht ein bis zwei Verständnisfragen "
                     "(:::check).",
    "block-args": "Der Block hat unbekannte oder fehlerhafte Angaben.",
    "block-empty": "Der Block ist leer.",
    "block-stray-close": "Hier wird ein Block geschlossen (:::), der nie geöffnet wurde.",
    "block-unclosed": "Ein Block wird nicht geschlossen: Es fehlt eine Zeile mit :::.",
    "block-unknown": "Diesen Blocktyp gibt es nicht.",
    "completion-unreachable": "Die Abschlussregel lässt sich mit diesen Lektionen nicht "
                              "erreichen.",
    "completion-value": "Der Wert der Abschlussregel ist ungültig (completion.lessons: all "
                        "oder eine Zahl).",
    "course-empty": "Der Kurs hat noch keine Lektionen.",
    "course-folder": "Die Kurs-ID weicht vom Ordnernamen ab.",
    "course-languages": "Die Sprachen des Kurses müssen Deutsch (de) enthalten.",
    "course-missing": "Der Kursordner wurde nicht gefunden.",
    "course-version": "Die Version muss die Form 1.2.3 haben.",
    "download-link": "Der Download verweist auf keine Datei unter media/.",
    "download-text": "Dem Download fehlt ein Linktext.",
    "duplicate-id": "Diese ID ist im Kurs schon vergeben.",
    "field-misplaced": "Diese Angabe steht an der falschen Stelle.",
    "field-range": "Der Wert liegt außerhalb des erlaubten Bereichs.",
    "field-type": "Der Wert hat die falsche Form (z. B. Text statt Zahl).",
    "file-encoding": "Die Datei ist kein UTF-8-Text.",
    "file-missing": "Eine benötigte Datei fehlt.",
    "file-unreadable": "Die Datei kann nicht gelesen werden.",
    "footnote-backref": "Die Fußnote hat keinen Verweis im Text.",
    "footnote-ref": "Zu diesem Fußnotenverweis fehlt die Fußnote.",
    "front-matter-empty": "Der Kopfbereich (zwischen den ---‑Zeilen) ist leer.",
    "front-matter-missing": "Die Lektion beginnt nicht mit einem Kopfbereich zwischen "
                            "zwei ---‑Zeilen.",
    "front-matter-unclosed": "Der Kopfbereich wird nicht mit einer ---‑Zeile geschlossen.",
    "glossary-duplicate": "Dieser Glossarbegriff ist doppelt definiert.",
    "glossary-term": "Der Glossarbegriff ist ungültig.",
    "glossary-undefined": "Dieser Begriff steht nicht im Glossar.",
    "heading-first": "Die Lektion muss mit einer Überschrift der Ebene 1 (# Titel) beginnen.",
    "heading-skip": "Eine Überschriftenebene wird übersprungen (z. B. ## auf ####).",
    "image-alt": "Dem Bild fehlt ein Alternativtext für Screenreader.",
    "internal-error": "Die Datei konnte nicht verarbeitet werden.",
    "invalid-id": "Die ID darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche "
                  "enthalten.",
    "lesson-link": "Der Verweis auf eine andere Lektion ist ungültig.",
    "link-anchor": "Der Sprungpunkt (#…) des Links existiert nicht.",
    "link-broken": "Der Link zeigt auf eine Lektion, die es im Kurs nicht gibt.",
    "link-scheme": "Diese Art von Link ist nicht erlaubt (nur https, http, mailto und "
                   "Lektionen).",
    "link-text": "Der Linktext sagt nicht, wohin der Link führt.",
    "media-captions-format": "Untertitel müssen als WebVTT-Datei (.vtt) vorliegen.",
    "media-missing": "Die Mediendatei gibt es im Kurs nicht. Laden Sie sie unter Medien hoch.",
    "media-no-alternative": "Dem Video oder Audio fehlen Untertitel oder ein Transkript.",
    "media-path": "Mediendateien müssen unter media/ liegen.",
    "media-src-missing": "Dem Block fehlt die Angabe src=media/….",
    "missing-field": "Eine Pflichtangabe fehlt.",
    "module-empty": "Das Modul hat noch keine Lektionen.",
    "order-prefix": "Dem Datei- oder Ordnernamen fehlt die Nummer für die Reihenfolge "
                    "(z. B. 01-).",
    "quiz-answer-after-explanation": "Antworten müssen vor der Erklärung stehen.",
    "quiz-answer-syntax": "Diese Antwortzeile ist nicht lesbar.",
    "quiz-duplicate-answer": "Diese Antwort kommt doppelt vor.",
    "quiz-feedback-position": "Eine Rückmeldung (Zeile mit >) muss direkt unter ihrer "
                              "Antwort stehen.",
    "quiz-gap-empty": "Eine Lücke hat eine leere Alternative.",
    "quiz-id": "Der Frage fehlt eine ID (:::quiz id=…).",
    "quiz-in-lesson": "Fragen zählen nur in Lektionen der Art Quiz oder Abschlusstest.",
    "quiz-mixed": "Die Frage mischt verschiedene Antwortarten.",
    "quiz-no-answers": "Die Frage hat keine Antworten.",
    "quiz-no-correct": "Die Frage hat keine richtige Antwort.",
    "quiz-no-stem": "Der Frage fehlt der Fragetext.",
    "quiz-none": "Das Quiz enthält keine Fragen.",
    "quiz-numeric-ambiguous": "Die Zahlenantwort ist mehrdeutig.",
    "quiz-numeric-count": "Eine Zahlenfrage darf nur eine Antwort [[= …]] haben.",
    "quiz-numeric-syntax": "Die Zahl ist nicht lesbar (Form: [[= Wert ± Toleranz]]).",
    "quiz-points": "Punkte müssen eine ganze Zahl über 0 sein.",
    "quiz-single-correct": "Eine Einfachauswahl braucht genau eine richtige Antwort [(X)].",
    "quiz-too-few-answers": "Die Frage braucht mindestens zwei Antworten.",
    "quiz-truefalse": "Eine Wahr/Falsch-Frage braucht genau eine Markierung [(wahr)] oder "
                      "[(falsch)].",
    "quiz-unexpected-text": "Unerwarteter Text nach den Antworten (eine Erklärung beginnt "
                            "mit „Erklärung:“).",
    "review-due": "Die Lektion ist zur Prüfung fällig: mit den Quellen abgleichen, dann "
                  "„reviewed“ aktualisieren.",
    "review-every": "Das Prüfintervall ist nicht lesbar (z. B. „6 months“ oder „2 years“).",
    "reviewed-missing": "Es fehlt das Prüfdatum (reviewed: JJJJ-MM-TT).",
    "sources-missing": "Der Lektion fehlt ein Abschnitt „Quellen“.",
    "sources-without-links": "Die Quellenliste enthält keinen Link auf die Primärtexte.",
    "summary-missing": "Die Lektion beginnt nicht mit „Das Wichtigste in Kürze“ (:::summary).",
    "table-header": "Der Tabelle fehlt eine Kopfzeile.",
    "translation-mismatch": "Die Übersetzung passt nicht zur deutschen Lektion.",
    "translation-missing": "Es fehlt eine Übersetzung.",
    "translation-outdated": "Die deutsche Lektion wurde nach der Übersetzung geändert (oder "
                            "die Übersetzung ist nicht gestempelt).",
    "translation-orphan": "Zu dieser Übersetzung gibt es keine deutsche Lektion.",
    "translation-unlisted": "Diese Sprache steht nicht in den Sprachen des Kurses "
                            "(course.yml).",
    "unknown-field": "Diese Angabe ist unbekannt.",
    "unknown-value": "Dieser Wert ist nicht vorgesehen.",
    "yaml-duplicate-key": "Eine Angabe steht doppelt.",
    "yaml-syntax": "Der Kopfbereich ist kein gültiges YAML.",
    "yaml-type": "Der Kopfbereich hat die falsche Form.",
}


def diagnostic_text(diagnostic) -> Markup:
    """The message of ``diagnostic`` in the page's language, as HTML.

    German pages get the German sentence for the code, followed by the library's specific
    message (it names ids and values) marked as English; unknown codes fall back to the
    library's message.
    """
    language = str(get_locale() or "de")
    german = GERMAN.get(diagnostic.code) if language == "de" else None
    if german is None:
        return Markup('<span lang="en">%s</span>') % diagnostic.message
    return Markup('%s <span class="diagnostic-detail muted small" lang="en">(%s)</span>') % (
        escape(german), diagnostic.message)
