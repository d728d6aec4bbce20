"""Answering the export test course's quiz in a browser (the SCORM and the cmi5 player)."""

import re

#: the steps of q-ordering in the right order
ORDER = ["Freischalten", "Gegen Wiedereinschalten sichern", "Spannungsfreiheit feststellen"]


def question(scope, qid):
    return scope.locator(f'[data-question-id="{qid}"]')


def choose(scope, qid, text):
    exactly = re.compile(f"^{re.escape(text)}$")
    question(scope, qid).locator("label").filter(has_text=exactly).click()


def put_in_order(scope, qid, order):
    items = question(scope, qid).locator("li[data-item-id]")
    for position, text in enumerate(order):
        texts = [items.nth(i).locator("span").inner_text() for i in range(items.count())]
        for _ in range(texts.index(text) - position):
            items.filter(has_text=text).get_by_role("button", name="nach oben").click()


def answer_quiz_correctly(scope):
    """Every question right; the open one answered too (no package grades it)."""
    choose(scope, "q-single", "60 V")
    choose(scope, "q-multiple", "BEV")
    choose(scope, "q-multiple", "PHEV")
    question(scope, "q-gap").locator("input[data-gap-id]").fill("60")
    question(scope, "q-numeric").locator("input[data-gap-id]").fill("60,2")
    choose(scope, "q-truefalse", "falsch")
    put_in_order(scope, "q-ordering", ORDER)
    selects = question(scope, "q-matching").locator("select")
    selects.nth(0).select_option(label="nur elektrisch")
    selects.nth(1).select_option(label="elektrisch und Verbrenner")
    question(scope, "q-open").locator("textarea").fill("Eine Werkbank.")
