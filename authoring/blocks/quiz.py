"""Quiz questions: ``:::quiz id=… [points=N]`` with LiaScript-style answer markers, and
open questions ``:::open id=… [points=N] [upload=optional|required]`` graded by a trainer."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown.blockparser import BlockParser

from authoring.blocks.directive import DirectiveBlock, parse_attributes
from authoring.ids import is_valid_id, text_id
from authoring.model import GRADED_KINDS, Choice, Gap, MatchPair, NumericAnswer, Question
from authoring.numbers import SOURCE_NUMBER, parse_source_number
from authoring.render_state import RenderState

SINGLE = re.compile(r"^\[\((?P<mark>[ xX])\)\]\s+(?P<text>\S.*)$")
MULTIPLE = re.compile(r"^\[\[(?P<mark>[ xX])\]\]\s+(?P<text>\S.*)$")
TRUEFALSE = re.compile(r"^\[\((?P<value>wahr|falsch|true|false)\)\]\s*$", re.IGNORECASE)
ORDERING = re.compile(r"^\[#\]\s+(?P<text>\S.*)$")
MATCHING = re.compile(r"^\[=\]\s+(?P<left>\S.*?)\s*->\s*(?P<right>\S.*)$")
ANSWER_LIKE = re.compile(r"^\[(?:\([^)]*\)|\[[^\]]?\]|#|=)\]")
FEEDBACK = re.compile(r"^>\s?(?P<text>.*)$")
EXPLANATION = re.compile(
    r"^(?:\*\*|__)?(?:Erklärung|Explanation)(?:\*\*|__)?\s*:(?:\*\*|__)?\s*(?P<text>.*)$",
    re.IGNORECASE,
)
NUMERIC = re.compile(
    rf"\[\[=\s*(?P<value>{SOURCE_NUMBER})\s*"
    rf"(?:(?:±|\+-|\+/-)\s*(?P<tolerance>{SOURCE_NUMBER}))?\s*\]\]"
)
NUMERIC_LIKE = re.compile(r"\[\[=[^\]]*\]\]")
GAP = re.compile(r"\[\[(?!=)(?P<answers>[^\[\]\n]+?)\]\]")

MARKERS = {
    "single": SINGLE,
    "multiple": MULTIPLE,
    "truefalse": TRUEFALSE,
    "ordering": ORDERING,
    "matching": MATCHING,
}
RUBRIC = re.compile(
    r"^(?:\*\*|__)?(?:Bewertungshinweis|Bewertung|Rubric)(?:\*\*|__)?\s*:(?:\*\*|__)?\s*"
    r"(?P<text>.*)$",
    re.IGNORECASE,
)
UPLOAD_CHOICES = ("none", "optional", "required")
GAP_LABELS = {"de": "Lücke {n}", "en": "Gap {n}"}
NUMBER_LABELS = {"de": "Zahlenwert", "en": "Numeric answer"}


@dataclass
class _Answer:
    kind: str
    line: int
    match: re.Match
    feedback: list[str] = field(default_factory=list)


@dataclass
class _QuizSource:
    stem: list[tuple[int, str]] = field(default_factory=list)
    answers: list[_Answer] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)


def _split_lines(block: DirectiveBlock, qid: str, state: RenderState) -> _QuizSource:
    """Sort the body lines into stem, answers with feedback, and explanation."""
    source = _QuizSource()
    phase = "stem"
    previous_was_answer = False
    for number, line in block.lines:
        text = line.strip()
        explanation = EXPLANATION.match(text)
        if phase == "explanation":
            if any(pattern.match(text) for pattern in MARKERS.values()):
                state.sink.error(
                    number, 1, "quiz-answer-after-explanation",
                    f"question '{qid}': answers must come before the explanation",
                )
            source.explanation.append(line)
            continue
        if explanation:
            phase = "explanation"
            source.explanation.append(explanation["text"])
            continue
        kind = next((name for name, pattern in MARKERS.items() if pattern.match(text)), None)
        if kind:
            phase = "answers"
            source.answers.append(_Answer(kind, number, MARKERS[kind].match(text)))
            previous_was_answer = True
            continue
        if phase == "answers" and FEEDBACK.match(text):
            if previous_was_answer:
                source.answers[-1].feedback.append(FEEDBACK.match(text)["text"])
            else:
                state.sink.error(
                    number, 1, "quiz-feedback-position",
                    f"question '{qid}': feedback ('>' line) must directly follow its answer",
                )
            continue
        if ANSWER_LIKE.match(text):
            state.sink.error(
                number, 1, "quiz-answer-syntax",
                f"question '{qid}': cannot read the answer line '{text}'",
            )
            previous_was_answer = False
            continue
        previous_was_answer = False
        if phase == "stem":
            source.stem.append((number, line))
        elif text:
            state.sink.error(
                number, 1, "quiz-unexpected-text",
                f"question '{qid}': unexpected text after the answers "
                "(start an explanation with 'Erklärung:' or 'Explanation:')",
            )
    return source


class QuizBlock:
    """Parse one question into the model and leave a placeholder in the lesson.

    The solution (correct markers, gap answers, feedback, explanation) goes into
    the :class:`~authoring.model.Question` only, which stays on the server; the
    lesson HTML receives the question text with gaps as empty inputs.
    """

    names = ("quiz",)
    markdown_body = False
    arguments: tuple[str, ...] = ("id", "points")
    placeholder_class = "quiz-question"

    def prepare(self, block: DirectiveBlock, state: RenderState) -> None:
        block.attributes = parse_attributes(block, state, self.arguments)

    def render(
        self, block: DirectiveBlock, parser: BlockParser, state: RenderState
    ) -> etree.Element | None:
        attrs = block.attributes
        qid = attrs.get("id", "")
        if not qid:
            state.sink.error(block.line, 1, "quiz-id",
                             f"':::{block.name}' needs id=<question-id>")
            qid = "?"
        elif not is_valid_id(qid):
            state.sink.error(
                block.line, 1, "invalid-id",
                f"question id '{qid}' must use lowercase letters, digits and hyphens",
            )
        points = 1
        if "points" in attrs:
            if attrs["points"].isdigit() and int(attrs["points"]) > 0:
                points = int(attrs["points"])
            else:
                state.sink.error(
                    block.line, 1, "quiz-points",
                    f"question '{qid}': points must be a whole number above 0, "
                    f"got '{attrs['points']}'",
                )
        self._check_placement(qid, block, state)
        source = self._split(block, qid, state)
        question = Question(id=qid, kind="single", points=points)
        stem_text = self._build(question, source, block, state)
        self._collect(question, state)
        state.question_lines.append((qid, block.line))
        return self._placeholder(question, stem_text, parser, state)

    def _split(self, block: DirectiveBlock, qid: str, state: RenderState) -> _QuizSource:
        return _split_lines(block, qid, state)

    def _check_placement(self, qid: str, block: DirectiveBlock, state: RenderState) -> None:
        if state.lesson_kind not in GRADED_KINDS:
            state.sink.warning(
                block.line, 1, "quiz-in-lesson",
                f"question '{qid}' is not graded: quiz blocks count only in lessons "
                f"of type quiz or assessment (this one is {state.lesson_kind}; "
                "use ':::check' for an ungraded check)",
            )

    def _collect(self, question: Question, state: RenderState) -> None:
        state.questions.append(question)

    # --- building the question ------------------------------------------------

    def _build(
        self, question: Question, source: _QuizSource, block: DirectiveBlock, state: RenderState
    ) -> str:
        """Fill ``question`` from the source and return the stem Markdown with gap markers."""
        qid = question.id
        kinds = [answer.kind for answer in source.answers]
        if not source.answers:
            self._take_stem_feedback(source, qid, state)
        stem = "\n".join(text for _, text in source.stem).strip("\n")
        numeric = list(NUMERIC.finditer(stem))
        gaps = list(GAP.finditer(stem))
        for number, text in source.stem:
            for bad in NUMERIC_LIKE.finditer(text):
                if not NUMERIC.fullmatch(bad.group(0)):
                    state.sink.error(
                        number, bad.start() + 1, "quiz-numeric-syntax",
                        f"question '{qid}': cannot read '{bad.group(0)}' "
                        "(write [[= value ± tolerance]])",
                    )
        if not stem.strip():
            state.sink.error(block.line, 1, "quiz-no-stem", f"question '{qid}' has no text")
        found = sorted(set(kinds), key=kinds.index)
        if numeric:
            found.append("numeric")
        if gaps:
            found.append("gap")
        if not found:
            state.sink.error(
                block.line, 1, "quiz-no-answers",
                f"question '{qid}' has no answers (see docs/authoring.md for the markers)",
            )
            return stem
        if len(found) > 1:
            first_other = next(
                (answer.line for answer in source.answers if answer.kind != found[0]), block.line
            )
            state.sink.error(
                first_other, 1, "quiz-mixed",
                f"question '{qid}' mixes answer types ({found[0]} and {found[1]})",
            )
        question.kind = found[0]
        question.explanation = state.fragment("\n".join(source.explanation).strip())
        question.feedback = state.fragment("\n".join(source.feedback).strip())
        builder = getattr(self, f"_build_{question.kind}")
        return builder(question, source, block, state, stem)

    @staticmethod
    def _take_stem_feedback(source: _QuizSource, qid: str, state: RenderState) -> None:
        """Move the feedback of a gap or numeric question out of its stem.

        Gap and numeric questions have no answer lines: their answers sit in the
        question text. The ``>`` lines below the last line holding a gap or a
        ``[[= …]]`` answer are the question's feedback, never part of the stem
        (which the learner sees before answering). Text between that line and
        the feedback stays in the stem; text after the feedback is an error.
        """
        lines = source.stem
        answer_rows = [
            row for row, (_, text) in enumerate(lines)
            if GAP.search(text) or NUMERIC_LIKE.search(text)
        ]
        if not answer_rows:
            return
        for row in answer_rows[:-1]:
            below = row + 1
            if below not in answer_rows and FEEDBACK.match(lines[below][1].strip()):
                state.sink.error(
                    lines[below][0], 1, "quiz-feedback-position",
                    f"question '{qid}': feedback ('>' lines) goes below the last gap; "
                    "here it would show in the question text",
                )
        last = answer_rows[-1]
        stem, feedback = lines[: last + 1], source.feedback
        for row in range(last + 1, len(lines)):
            number, text = lines[row]
            quote = FEEDBACK.match(text.strip())
            if quote:
                feedback.append(quote["text"])
            elif not feedback:
                stem.append((number, text))
            elif not text.strip():
                feedback.append("")
            else:
                state.sink.error(
                    number, 1, "quiz-unexpected-text",
                    f"question '{qid}': unexpected text after the feedback "
                    "(start an explanation with 'Erklärung:' or 'Explanation:')",
                )
        source.stem = stem

    @staticmethod
    def _last_answer_feedback(question: Question, source: _QuizSource, state: RenderState) -> None:
        """Ordering and matching: '>' lines after the last item are the question's feedback."""
        if source.answers and source.answers[-1].feedback:
            question.feedback = state.fragment("\n".join(source.answers[-1].feedback))
            source.answers[-1].feedback = []

    def _choices(
        self, question: Question, source: _QuizSource, state: RenderState, prefix: str
    ) -> None:
        seen: dict[str, int] = {}
        for answer in source.answers:
            text = answer.match["text"].strip()
            choice = Choice(
                id=text_id(prefix, text),
                text=state.fragment(text, inline=True),
                is_correct=answer.match.groupdict().get("mark") in ("x", "X"),
                feedback=state.fragment("\n".join(answer.feedback)),
            )
            if choice.id in seen:
                state.sink.error(
                    answer.line, 1, "quiz-duplicate-answer",
                    f"question '{question.id}': answer '{text}' appears twice",
                )
                continue
            seen[choice.id] = answer.line
            question.choices.append(choice)
        if len(question.choices) < 2:
            state.sink.error(
                source.answers[0].line if source.answers else 1, 1, "quiz-too-few-answers",
                f"question '{question.id}' needs at least two answers",
            )

    def _build_single(self, question, source, block, state, stem) -> str:
        self._choices(question, source, state, "c-")
        correct = sum(choice.is_correct for choice in question.choices)
        if correct != 1:
            state.sink.error(
                block.line, 1, "quiz-single-correct",
                f"single-choice question '{question.id}' needs exactly one correct answer "
                f"[(X)], found {correct}",
            )
        return stem

    def _build_multiple(self, question, source, block, state, stem) -> str:
        self._choices(question, source, state, "c-")
        if not any(choice.is_correct for choice in question.choices):
            state.sink.error(
                block.line, 1, "quiz-no-correct",
                f"question '{question.id}' has no correct answer (mark at least one with [[X]])",
            )
        return stem

    def _build_ordering(self, question, source, block, state, stem) -> str:
        self._last_answer_feedback(question, source, state)
        self._choices(question, source, state, "i-")
        return stem

    def _build_truefalse(self, question, source, block, state, stem) -> str:
        if len(source.answers) != 1:
            state.sink.error(
                source.answers[1].line, 1, "quiz-truefalse",
                f"true/false question '{question.id}' has one marker [(wahr)] or [(falsch)], "
                f"found {len(source.answers)}",
            )
        answer = source.answers[0]
        question.answer = answer.match["value"].lower() in ("wahr", "true")
        question.feedback = state.fragment("\n".join(answer.feedback))
        return stem

    def _build_matching(self, question, source, block, state, stem) -> str:
        self._last_answer_feedback(question, source, state)
        lefts: set[str] = set()
        for answer in source.answers:
            left, right = answer.match["left"].strip(), answer.match["right"].strip()
            pair = MatchPair(
                left=Choice(text_id("l-", left), state.fragment(left, inline=True)),
                right=Choice(
                    text_id("r-", right), state.fragment(right, inline=True),
                    feedback=state.fragment("\n".join(answer.feedback)),
                ),
            )
            if pair.left.id in lefts:
                state.sink.error(
                    answer.line, 1, "quiz-duplicate-answer",
                    f"question '{question.id}': '{left}' appears twice on the left",
                )
                continue
            lefts.add(pair.left.id)
            question.pairs.append(pair)
        if len(question.pairs) < 2:
            state.sink.error(
                source.answers[0].line, 1, "quiz-too-few-answers",
                f"question '{question.id}' needs at least two pairs",
            )
        return stem

    def _build_gap(self, question, source, block, state, stem) -> str:
        parts, last = [], 0
        for index, match in enumerate(GAP.finditer(stem), start=1):
            answers = [alt.strip() for alt in match["answers"].split("|")]
            gap = Gap(id=f"g{index}", answers=[alt for alt in answers if alt])
            if len(gap.answers) != len(answers):
                state.sink.error(
                    self._stem_line(source, match.group(0)), 1, "quiz-gap-empty",
                    f"question '{question.id}': gap '{match.group(0)}' has an empty alternative",
                )
            question.gaps.append(gap)
            parts.append(stem[last:match.start()])
            parts.append(f"\x00gap:{gap.id}\x00")
            last = match.end()
        parts.append(stem[last:])
        return "".join(parts)

    def _build_numeric(self, question, source, block, state, stem) -> str:
        matches = list(NUMERIC.finditer(stem))
        if len(matches) > 1:
            state.sink.error(
                self._stem_line(source, matches[1].group(0)), 1, "quiz-numeric-count",
                f"numeric question '{question.id}' has more than one [[= …]] answer",
            )
        match = matches[0]
        line = self._stem_line(source, match.group(0))
        value = self._source_number(question.id, match["value"], line, state)
        tolerance = (
            self._source_number(question.id, match["tolerance"], line, state)
            if match["tolerance"] else 0.0
        )
        unit = stem[match.end():].split("\n", 1)[0].strip()
        question.numeric = NumericAnswer(value, abs(tolerance), unit)
        return stem[: match.start()] + "\x00gap:value\x00" + stem[match.end():]

    @staticmethod
    def _source_number(qid: str, text: str, line: int, state: RenderState) -> float:
        """Read a number of the course source (see :func:`parse_source_number`)."""
        value, ambiguous = parse_source_number(text)
        if value is None:
            state.sink.error(
                line, 1, "quiz-numeric-syntax",
                f"question '{qid}': cannot read the number '{text}' (write it without "
                "thousands separators, with '.' or ',' before the decimals, e.g. 6120.5)",
            )
            return 0.0
        if ambiguous:
            whole = text.replace(".", "").replace(",", "")
            state.sink.warning(
                line, 1, "quiz-numeric-ambiguous",
                f"question '{qid}': '{text}' is read as {value:g}, but could mean {whole}; "
                f"write {value:g} or {whole}",
            )
        return value

    @staticmethod
    def _stem_line(source: _QuizSource, needle: str) -> int:
        return next((number for number, text in source.stem if needle in text), 1)

    # --- the placeholder in the lesson HTML -------------------------------------

    def _placeholder(
        self, question: Question, stem: str, parser: BlockParser, state: RenderState
    ) -> etree.Element:
        """Render the stem once, for the model and for the lesson's placeholder."""

        def gap_input(match: re.Match) -> str:
            gap_id = match.group(1)
            if gap_id == "value":
                label = NUMBER_LABELS.get(state.language, NUMBER_LABELS["de"])
                extra = ' inputmode="decimal"'
            else:
                template = GAP_LABELS.get(state.language, GAP_LABELS["de"])
                label = template.format(n=gap_id[1:])
                extra = ""
            return state.trust(
                f'<input type="text" class="quiz-gap" data-gap-id="{gap_id}" '
                f'aria-label="{label}" autocomplete="off"{extra}>'
            )

        # The stem is sanitized twice (alone, and inside the lesson): the gaps travel as
        # tokens and become inputs after each pass, so a trainer's own inputs never do.
        stem_html = state.fragment(re.sub(r"\x00gap:(\w+)\x00", gap_input, stem))
        question.stem = state.restore(stem_html)
        element = etree.Element(
            "div",
            {
                "class": self.placeholder_class,
                "data-question-id": question.id,
                "data-kind": question.kind,
                "data-points": str(question.points),
            },
        )
        stem_element = etree.SubElement(element, "div", {"class": "quiz-stem"})
        stem_element.text = parser.md.htmlStash.store(stem_html)
        return element


class CheckBlock(QuizBlock):
    """``:::check id=…``: an ungraded understanding check inside a lesson.

    The same syntax as a quiz question without ``points``. Its solution stays on
    the server like a quiz's; the learner gets feedback at once, and a check never
    counts toward grades or completion, so it is kept apart from ``questions``.
    """

    names = ("check",)
    arguments = ("id",)
    placeholder_class = "check-question"
    css_classes = ("check-question",)

    def _check_placement(self, qid: str, block: DirectiveBlock, state: RenderState) -> None:
        if state.lesson_kind in GRADED_KINDS:
            state.sink.warning(
                block.line, 1, "check-in-quiz",
                f"check '{qid}' is in a lesson of type {state.lesson_kind}: "
                "use ':::quiz' there, checks are for lessons of type lesson",
            )

    def _collect(self, question: Question, state: RenderState) -> None:
        state.checks.append(question)


class OpenBlock(QuizBlock):
    """``:::open id=… [points=N] [upload=optional|required]``: an open question.

    The learner writes a free-text answer and, where ``upload`` allows, attaches a
    photo or PDF; a trainer grades it by hand from the grading queue. The body is the
    question text; ``Erklärung:`` (``Explanation:``) starts what learners read once the
    answer is graded (a model answer), and a line ``Bewertungshinweis:`` (``Rubric:``)
    the hint for graders, which stays on the server like a quiz's solution. Answer markers have no
    place here: an open question has no solution to mark.
    """

    names = ("open",)
    arguments = ("id", "points", "upload")

    def _split(self, block: DirectiveBlock, qid: str, state: RenderState) -> _QuizSource:
        return _QuizSource()  # the body is read by _build: text and graders' hint only

    def _check_placement(self, qid: str, block: DirectiveBlock, state: RenderState) -> None:
        if state.lesson_kind not in GRADED_KINDS:
            state.sink.error(
                block.line, 1, "open-in-lesson",
                f"open question '{qid}' belongs in a lesson of type quiz or assessment "
                f"(this one is {state.lesson_kind}): a trainer grades it there",
            )

    def _build(
        self, question: Question, source: _QuizSource, block: DirectiveBlock, state: RenderState
    ) -> str:
        qid = question.id
        question.kind = "open"
        stem: list[str] = []
        explanation: list[str] = []
        rubric: list[str] = []
        phase = "stem"
        for number, line in block.lines:
            text = line.strip()
            found = RUBRIC.match(text)
            if found and phase != "rubric":
                phase = "rubric"
                rubric.append(found["text"] or "")
                continue
            if phase == "rubric":
                rubric.append(line)
                continue
            said = EXPLANATION.match(text)
            if said and phase == "stem":
                phase = "explanation"
                explanation.append(said["text"])
                continue
            if phase == "explanation":
                explanation.append(line)
                continue
            if any(pattern.match(text) for pattern in MARKERS.values()) or ANSWER_LIKE.match(text) \
                    or GAP.search(text) or NUMERIC_LIKE.search(text):
                state.sink.error(
                    number, 1, "open-answer-marker",
                    f"open question '{qid}' has no answers to mark: remove '{text}' "
                    "(graders' hints go below a line 'Bewertungshinweis:')",
                )
                continue
            stem.append(line)
        text = "\n".join(stem).strip("\n")
        if not text.strip():
            state.sink.error(block.line, 1, "quiz-no-stem", f"question '{qid}' has no text")
        upload = block.attributes.get("upload", "none")
        if upload not in UPLOAD_CHOICES:
            state.sink.error(
                block.line, 1, "open-upload",
                f"open question '{qid}': upload must be one of {', '.join(UPLOAD_CHOICES)}, "
                f"got '{upload}'",
            )
            upload = "none"
        question.upload = "" if upload == "none" else upload
        question.rubric = state.fragment("\n".join(rubric).strip())
        question.explanation = state.fragment("\n".join(explanation).strip())
        if not question.rubric:
            state.sink.warning(
                block.line, 1, "open-no-rubric",
                f"open question '{qid}' has no hint for graders (add a line "
                "'Bewertungshinweis:' with what a full answer contains)",
            )
        return text
