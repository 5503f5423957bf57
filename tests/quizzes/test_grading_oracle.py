"""A grading oracle: Moodle's scoring rules written again here, independently
of `quizzes.grading` and `quizzes.services`, with exact fractions; Hypothesis
draws quizzes of every supported type, answers, pending and graded essays,
grading methods and pass marks, and the engine must agree on every mark,
every attempt total, the quiz grade and pass/fail.

The rules, from Moodle's question types and `quiz_calculate_best_grade`:
- a question's fraction is stored to 7 places; its mark is fraction x points;
- single answer: the chosen answer's fraction, negative allowed;
- multiple answer: the chosen fractions added, then held to 0..1;
- true/false: all or nothing; matching: right pairs / prompts;
- short answer: the first accepted answer, in order, that matches; an
  unescaped run of `*` matches anything, `\\*` is a star;
- essay: blank scores 0, otherwise it waits for the teacher's mark;
- the attempt: marks summed, stored to 5 places; percent rounded to 2
  places once, and that percent against the pass mark decides;
- first/last attempt: that attempt, no grade while it waits; highest and
  average: the attempts not waiting; none: no grade.
"""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import grade
from quizzes.models import AttemptState, GradingMethod, QuizAttempt
from quizzes.services import attempt_result, method_percent

CREDITS = [
    "100", "90", "83.3333", "75", "66.6667", "50", "33.3333", "25", "20",
    "16.6667", "14.2857", "12.5", "11.1111", "10", "5", "0",
    "-5", "-10", "-33.3333", "-50", "-100",
]  # fmt: skip
POINTS = ["1", "2", "0.5", "1.5", "3", "0.25", "10", "0.33"]


def rounded(value: Fraction, places: int) -> Fraction:
    """Half away from zero, as a DECIMAL column and PHP's round() keep it."""
    scale = 10**places
    whole = (abs(value) * scale + Fraction(1, 2)).__floor__()
    return Fraction(whole, scale) * (1 if value >= 0 else -1)


# The oracle ---------------------------------------------------------------


def wildcard_match(pattern: str, text: str) -> bool:
    """Moodle's wildcard rule by dynamic programming (no regular expressions)."""
    tokens = []  # None: "anything"; otherwise one literal character
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and pattern[index + 1 : index + 2] == "*":
            tokens.append("*")
            index += 2
        elif char == "*":
            if not tokens or tokens[-1] is not None:
                tokens.append(None)
            index += 1
        else:
            tokens.append(char)
            index += 1
    reach = {0}  # positions in `text` reachable after the tokens so far
    for token in tokens:
        if token is None:
            reach = set(range(min(reach), len(text) + 1)) if reach else set()
        else:
            reach = {p + 1 for p in reach if p < len(text) and text[p] == token}
    return len(text) in reach


def oracle_fraction(question: dict, answer, teacher) -> Fraction | None:
    qtype = question["qtype"]
    credit = {c["key"]: Fraction(c["credit"]) / 100 for c in question["choices"]}
    if qtype == "single_choice":
        return credit.get(answer, Fraction(0))
    if qtype == "multiple_choice":
        return min(Fraction(1), max(Fraction(0), sum(credit[k] for k in answer)))
    if qtype == "true_false":
        if answer is None:
            return Fraction(0)
        return Fraction(int((answer == "true") == question["correct"]))
    if qtype == "matching":
        prompts = [p for p in question["pairs"] if p["prompt"]]
        right = sum(1 for p in prompts if answer.get(p["key"]) == p["answer"])
        return Fraction(right, len(prompts))
    if qtype == "short_answer":
        given_text = answer.strip()
        if not given_text:
            return Fraction(0)
        for choice in question["choices"]:
            pattern, text = choice["text"], given_text
            if not question["case_sensitive"]:
                pattern, text = pattern.lower(), text.lower()
            if wildcard_match(pattern, text):
                return credit[choice["key"]]
        return Fraction(0)
    # essay
    if not answer.strip():
        return Fraction(0)
    return None if teacher is None else Fraction(teacher) / Fraction(question["points"])


def oracle_mark(question, answer, teacher) -> Fraction | None:
    if question["qtype"] == "essay" and teacher is not None and answer.strip():
        return Fraction(teacher)
    fraction = oracle_fraction(question, answer, teacher)
    if fraction is None:
        return None
    return rounded(fraction, 7) * Fraction(question["points"])


def oracle_attempt(questions, responses, pass_mark):
    pairs = zip(questions, responses, strict=True)
    marks = [oracle_mark(q, answer, t) for q, (answer, t) in pairs]
    waiting = any(mark is None for mark in marks)
    total = rounded(sum(m for m in marks if m is not None), 5)
    maximum = sum(Fraction(q["points"]) for q in questions)
    percent = rounded(100 * total / maximum, 2)
    return marks, total, percent, waiting, not waiting and percent >= pass_mark


def oracle_grade(method, attempts, maximum) -> Fraction | None:
    """`attempts`: (summed marks or None while waiting) in order."""
    if method == GradingMethod.FIRST:
        chosen = attempts[0]
    elif method == GradingMethod.LAST:
        chosen = attempts[-1]
    else:
        graded = [a for a in attempts if a is not None]
        if not graded:
            return None
        if method == GradingMethod.AVERAGE:
            chosen = sum(graded) / len(graded)
        else:
            chosen = max(graded)
    return None if chosen is None else rounded(100 * chosen / maximum, 2)


# Strategies ---------------------------------------------------------------


def _choices(draw, credits_from, texts):
    return [
        {"key": f"c{n}", "text": text, "credit": draw(st.sampled_from(credits_from)),
         "fraction": "", "feedback": ""}
        for n, text in enumerate(texts)
    ]  # fmt: skip


PATTERN_CHARS = st.sampled_from(["a", "b", "A", "*", "\\*", "\\", "?", "["])
TEXT_CHARS = st.sampled_from(["a", "b", "A", "B", "*", "\\", "?", "["])
QTYPES = ["single_choice", "multiple_choice", "true_false", "short_answer",
          "matching", "essay", "essay"]  # fmt: skip


@st.composite
def questions(draw):
    qtype = draw(st.sampled_from(QTYPES))
    question = {"key": "q", "qtype": qtype, "points": draw(st.sampled_from(POINTS))}
    question |= {"general_feedback": "", "choices": []}
    if qtype in ("single_choice", "multiple_choice"):
        count = draw(st.integers(2, 5))
        question["choices"] = _choices(draw, CREDITS, [f"C{n}" for n in range(count)])
    elif qtype == "true_false":
        question["correct"] = draw(st.booleans())
    elif qtype == "short_answer":
        pattern = st.lists(PATTERN_CHARS, min_size=1, max_size=5).map("".join)
        texts = draw(st.lists(pattern, min_size=1, max_size=4))
        question["choices"] = _choices(draw, CREDITS[:16], texts)
        question["case_sensitive"] = draw(st.booleans())
        question["ignore_diacritics"] = False
    elif qtype == "matching":
        count = draw(st.integers(1, 4))
        question["pairs"] = [
            {"key": f"p{n}", "prompt": f"P{n}", "answer": f"A{n}"} for n in range(count)
        ] + [{"key": "px", "prompt": "", "answer": "Nhiễu"}]
        question["answer_pool"] = [pair["answer"] for pair in question["pairs"]]
    for choice in question["choices"]:
        choice["fraction"] = str(Decimal(choice["credit"]) / 100)
    return question


@st.composite
def responses(draw, question):
    """(answer as the attempt page saves it, the teacher's essay mark or None)."""
    qtype = question["qtype"]
    keys = [choice["key"] for choice in question["choices"]]
    teacher = None
    if qtype == "single_choice":
        answer = draw(st.none() | st.sampled_from(keys))
    elif qtype == "multiple_choice":
        answer = draw(st.lists(st.sampled_from(keys), unique=True))
    elif qtype == "true_false":
        answer = draw(st.sampled_from([None, "true", "false"]))
    elif qtype == "short_answer":
        answer = draw(st.lists(TEXT_CHARS, max_size=6).map("".join))
    elif qtype == "matching":
        answer = {}
        for pair in question["pairs"][:-1]:
            picked = draw(st.none() | st.sampled_from(question["answer_pool"]))
            if picked is not None:
                answer[pair["key"]] = picked
    else:
        answer = draw(st.sampled_from(["", "  ", "Bài viết của em", "Bài làm"]))
        steps = int(Decimal(question["points"]) * 100)
        teacher = draw(
            st.none() | st.integers(0, steps).map(lambda n: Decimal(n) / 100)
        )
    return answer, teacher


@st.composite
def question_and_answer(draw):
    question = draw(questions())
    answer, teacher = draw(responses(question))
    return question, answer, teacher


def engine_marks(questions, responses):
    marks = []
    for question, (answer, teacher) in zip(questions, responses, strict=True):
        if question["qtype"] == "essay" and teacher is not None and answer.strip():
            marks.append(teacher)  # a teacher's mark stands as given
        else:
            marks.append(grade(question, answer).score)
    return marks


# Properties ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(question_and_answer())
def test_every_question_mark_equals_the_oracle(drawn):
    question, answer, teacher = drawn
    engine = engine_marks([question], [(answer, teacher)])[0]
    oracle = oracle_mark(question, answer, teacher)
    assert (engine is None) == (oracle is None)
    if engine is not None:
        assert Fraction(engine) == oracle


@st.composite
def quiz_with_attempts(draw):
    quiz = draw(st.lists(questions(), min_size=1, max_size=6))
    count = draw(st.integers(1, 4))
    attempts = [[draw(responses(question)) for question in quiz] for _ in range(count)]
    method = draw(st.sampled_from(list(GradingMethod)))
    pass_mark = draw(st.integers(0, 100))
    return quiz, attempts, method, pass_mark


@settings(max_examples=200, deadline=None)
@given(quiz_with_attempts())
def test_attempt_totals_quiz_grade_and_pass_equal_the_oracle(drawn):
    quiz, attempts, method, pass_mark = drawn
    maximum = sum((Decimal(q["points"]) for q in quiz), Decimal(0))
    engine_attempts, oracle_totals = [], []
    for answers in attempts:
        result = attempt_result(
            engine_marks(quiz, answers), max_score=maximum, pass_mark=pass_mark
        )
        _marks, total, percent, waiting, passed = oracle_attempt(
            quiz, answers, pass_mark
        )
        assert Fraction(result.score) == total
        assert Fraction(result.percent) == percent
        assert (result.waiting, result.passed) == (waiting, passed)
        engine_attempts.append(
            QuizAttempt(
                state=AttemptState.NEEDS_GRADING if waiting else AttemptState.FINISHED,
                score=result.score,
                max_score=maximum,
                percent=result.percent,
            )
        )
        oracle_totals.append(None if waiting else total)
    engine_grade = method_percent(method, engine_attempts)
    oracle = oracle_grade(method, oracle_totals, Fraction(maximum))
    assert (engine_grade is None) == (oracle is None)
    if oracle is not None:
        assert Fraction(engine_grade) == oracle
        # What is shown (the stored percent) is what decides.
        assert (engine_grade >= pass_mark) == (oracle >= pass_mark)
