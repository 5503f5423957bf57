"""A learner's way through a course in the browser, by mouse or by keyboard alone.

The quiz draws random questions, so the journeys look the right answers up on
the server, in the attempt's snapshot, and then answer like a person would.
"""

import html
import re
from decimal import Decimal

from django.utils.translation import gettext, ngettext, override

from courses.models import CoursePage, LessonPage
from courses.selectors import course_status_for
from quizzes.models import QuizAttempt, QuizPage

ATTEMPT_URL = re.compile(r"/lan-lam/(\d+)/$")
TAGS = re.compile(r"<[^>]+>")


def vi(text: str) -> str:
    """The Vietnamese label the pages show for an English msgid."""
    with override("vi"):
        return gettext(text)


def vi_plural(singular: str, plural: str, count: int) -> str:
    """The Vietnamese label for a counted msgid ({% blocktranslate count %})."""
    with override("vi"):
        return ngettext(singular, plural, count) % {"counter": count}


def right_answers(snapshot: list[dict]) -> dict:
    """The full-marks answer to each question, keyed like the form fields."""
    answers = {}
    for question in snapshot:
        qtype, key = question["qtype"], question["key"]
        choices = question.get("choices", [])
        if qtype == "single_choice":
            best = max(choices, key=lambda c: Decimal(c["fraction"]))
            answers[key] = best["key"]
        elif qtype == "multiple_choice":
            answers[key] = sorted(
                c["key"] for c in choices if Decimal(c["fraction"]) > 0
            )
        elif qtype == "true_false":
            answers[key] = "true" if question["correct"] else "false"
        elif qtype == "short_answer":
            best = max(choices, key=lambda c: Decimal(c["fraction"]))
            answers[key] = best["text"].replace("*", "")
        elif qtype == "matching":
            answers[key] = {
                p["key"]: p["answer"] for p in question["pairs"] if p["prompt"]
            }
        elif qtype == "essay":
            answers[key] = "Em sẽ bảo vệ thông tin cá nhân của mình."
    return answers


def saved_answers(attempt: QuizAttempt, keys) -> dict:
    """What the server has stored for these questions, shaped like right_answers."""
    stored = {}
    for response in attempt.responses.filter(key__in=list(keys)):
        answer = response.answer
        if isinstance(answer, bool):  # true/false answers are stored as booleans
            answer = "true" if answer else "false"
        stored[response.key] = sorted(answer) if isinstance(answer, list) else answer
    return stored


def _plain(text: str) -> str:
    return " ".join(html.unescape(TAGS.sub(" ", text or "")).split())


def answer_key_markers(snapshot: list[dict]) -> set[str]:
    """Text that only the answer key holds: feedback and accepted short answers.

    Anything the question legitimately shows (its text, its choices, the
    matching pool) is left out, so a marker found in a page is a leak.
    """
    markers: set[str] = set()
    shown: list[str] = []
    for question in snapshot:
        shown.append(_plain(question["text"]))
        shown.extend(_plain(choice["text"]) for choice in question.get("choices", []))
        shown.extend(_plain(pair["prompt"]) for pair in question.get("pairs", []))
        shown.extend(question.get("answer_pool", []))
        for field in ("general_feedback", "feedback_true", "feedback_false"):
            markers.add(_plain(question.get(field, "")))
        for choice in question.get("choices", []):
            markers.add(_plain(choice.get("feedback", "")))
            if question["qtype"] == "short_answer":
                markers.add(_plain(choice["text"]))
    everything_shown = "\n".join(shown)
    return {
        marker
        for marker in markers
        if len(marker) >= 12 and marker not in everything_shown
    }


def leaks_in(text: str, markers: set[str]) -> list[str]:
    """The answer-key markers found in a page, a script or a JSON answer."""
    plain = _plain(text)
    raw = html.unescape(text)
    found = [m for m in markers if m in plain or m in raw]
    for key in ('"fraction"', '"correct"', "data-correct", "data-fraction"):
        if key in raw:
            found.append(key)
    return found


def course_to_take(*, user, audience: str) -> CoursePage:
    """A live course for `audience` that `user` may take and has not completed."""
    candidates = CoursePage.objects.live().filter(**{f"for_{audience}": True})
    for course in candidates.order_by("path"):
        status = course_status_for(user=user, course=course)
        if status.access and not status.completed:
            return course
    raise AssertionError(f"no open {audience} course for {user.username}")


def course_steps(course: CoursePage) -> tuple[list[LessonPage], QuizPage]:
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    quiz = QuizPage.objects.child_of(course).live().get()
    return lessons, quiz


def complete_by_services(*, user, course: CoursePage) -> None:
    """Every lesson done and the quiz passed through the services, not the pages."""
    from courses.services import course_open, course_self_enrol, lesson_complete
    from quizzes.services import attempt_start, attempt_submit

    lessons, quiz = course_steps(course)
    if course_open(user=user, course=course) is None:
        course_self_enrol(user=user, course=course)
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson, course=course)
    attempt = attempt_start(user=user, quiz=quiz)
    attempt_submit(attempt=attempt, answers=right_answers(attempt.snapshot))
    attempt.refresh_from_db()
    assert attempt.passed is True, attempt.pk
    assert course_status_for(user=user, course=course).completed, user.username


def attempt_from_url(url: str) -> QuizAttempt:
    match = ATTEMPT_URL.search(url.split("?")[0])
    assert match, url
    return QuizAttempt.objects.get(pk=int(match.group(1)))


# --- answering with the mouse -------------------------------------------------


def answer_by_mouse(page, question: dict, answer) -> None:
    key, qtype = question["key"], question["qtype"]
    if qtype in ("single_choice", "true_false"):
        page.locator(f"label[for='{key}-{answer}']").click()
    elif qtype == "multiple_choice":
        for choice in question["choices"]:
            box = page.locator(f"#{key}-{choice['key']}")
            if (choice["key"] in answer) != box.is_checked():
                page.locator(f"label[for='{key}-{choice['key']}']").click()
    elif qtype in ("short_answer", "essay"):
        page.locator(f"#{key}-input").fill(answer)
    elif qtype == "matching":
        for prompt_key, value in answer.items():
            page.locator(f"#{key}-{prompt_key}").select_option(value)


def answered_in_page(page, question: dict, answer) -> bool:
    """Does the page show `answer` as the saved answer to `question`?"""
    key, qtype = question["key"], question["qtype"]
    if qtype in ("single_choice", "true_false"):
        return page.locator(f"#{key}-{answer}").is_checked()
    if qtype == "multiple_choice":
        return all(
            page.locator(f"#{key}-{c['key']}").is_checked() == (c["key"] in answer)
            for c in question["choices"]
        )
    if qtype in ("short_answer", "essay"):
        return page.locator(f"#{key}-input").input_value() == answer
    if qtype == "matching":
        return all(
            page.locator(f"#{key}-{pk}").input_value() == value
            for pk, value in answer.items()
        )
    return False


# --- the keyboard alone ------------------------------------------------------


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return el ? {id: el.id, name: el.getAttribute("name") || "",
                         tag: el.tagName.toLowerCase(), text: el.innerText || "",
                         href: el.getAttribute("href") || "",
                         type: el.getAttribute("type") || ""} : {};
        }"""
    )


def tab_to(page, matches, *, limit: int = 150, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("could not reach the element with the keyboard")


def tab_to_link(page, href_part: str, **kwargs) -> dict:
    return tab_to(
        page, lambda el: el.get("tag") == "a" and href_part in el["href"], **kwargs
    )


def tab_to_button(page, label: str, **kwargs) -> dict:
    return tab_to(
        page,
        lambda el: el.get("tag") == "button" and label in el["text"],
        **kwargs,
    )


def answer_by_keyboard(page, question: dict, answer) -> None:
    """Reach the question with Tab and answer with arrows, Space and typing."""
    key, qtype = question["key"], question["qtype"]
    if qtype in ("single_choice", "true_false"):
        target = f"{key}-{answer}"
        element = tab_to(page, lambda el: el.get("name") == key)
        for _ in range(12):
            if element["id"] == target:
                break
            page.keyboard.press("ArrowDown")
            element = focused(page)
        assert element["id"] == target, (element, target)
        if not page.locator(f"#{target}").is_checked():
            page.keyboard.press("Space")
    elif qtype == "multiple_choice":
        for choice in question["choices"]:
            box_id = f"{key}-{choice['key']}"
            tab_to(page, lambda el, box_id=box_id: el.get("id") == box_id)
            if (choice["key"] in answer) != page.locator(f"#{box_id}").is_checked():
                page.keyboard.press("Space")
    elif qtype in ("short_answer", "essay"):
        field_id = f"{key}-input"
        tab_to(page, lambda el: el.get("id") == field_id)
        page.keyboard.press("Control+A")
        page.keyboard.type(answer)
    elif qtype == "matching":
        for prompt_key, value in answer.items():
            select_id = f"{key}-{prompt_key}"
            tab_to(page, lambda el, select_id=select_id: el.get("id") == select_id)
            select = page.locator(f"#{select_id}")
            options = select.locator("option").all_inner_texts()
            # A closed select changes its value with the arrow keys.
            page.keyboard.press("Home")
            for _ in range(options.index(value)):
                page.keyboard.press("ArrowDown")
            assert select.input_value() == value, (select.input_value(), value)
