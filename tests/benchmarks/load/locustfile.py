"""Locust load test of the learner journey (headless; driven by bench_load.py).

    locust -f tests/benchmarks/load/locustfile.py --headless -H http://127.0.0.1:8100

Everything the run needs comes from the JSON file named by LMS_LOAD_CONFIG,
written by bench_load.py: the URLs of the load course, its lessons and quiz,
the accounts to sign in with, and the scenario:

- "rush": the class period. `students` learners sign in spread over
  `signin_window` seconds and read lessons with `think_min`..`think_max`
  seconds of think time; at `rush_at` seconds every one of them starts the
  same quiz within `rush_window` seconds, answers it with an autosave after
  each batch of answers (think time between), submits and reads the review,
  then goes back to the lessons. A few staff open the course learners report.
- "steps": the same learner mix with no think time, with more users at each
  step (`steps`, `step_seconds` each), stopped after the first step whose p95
  passes `p95_limit_ms`.

Every request is appended to LMS_LOAD_SAMPLES (JSON lines) when the run ends,
so bench_load.py computes its own percentiles per phase and step. The requests
carry X-Forwarded-Proto: https and an Origin header, as they would behind the
TLS-terminating proxy that production settings expect.
"""

import http.cookiejar
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, constant, events, task

CONFIG = json.loads(Path(os.environ["LMS_LOAD_CONFIG"]).read_text())
SCENARIO = CONFIG["scenario"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RADIO_RE = re.compile(r'<input type="radio" name="([^"]+)" id="[^"]*" value="([^"]+)"')
SAVE_URL_RE = re.compile(r'data-save-url="([^"]+)"')
SUBMIT_URL_RE = re.compile(r'<form method="post" action="([^"]+)" class="attempt-form"')
STARTED_AT = time.time()
SAMPLES: list[tuple] = []
QUIZ_STARTS: list[float] = []
STUDENT_NUMBERS = itertools.count(CONFIG.get("first_student", 1))


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kw):
    SAMPLES.append(
        (
            round(time.time() - STARTED_AT, 3),
            request_type,
            name,
            round(response_time, 2),
            response_length or 0,
            exception is None,
            str(exception)[:200] if exception else "",
        )
    )


@events.test_start.add_listener
def _started(environment, **kw):
    global STARTED_AT
    STARTED_AT = time.time()


@events.quitting.add_listener
def _dump(environment, **kw):
    with open(os.environ["LMS_LOAD_SAMPLES"], "w") as out:
        for sample in SAMPLES:
            out.write(json.dumps(sample) + "\n")
        out.write(json.dumps(["quiz_starts", QUIZ_STARTS]) + "\n")


def _elapsed() -> float:
    return time.time() - STARTED_AT


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send production's Secure cookies over loopback HTTP, as the browser
    would over the proxy's HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser(FastHttpUser):
    """Signs in like a browser: CSRF token from the form, cookies kept."""

    abstract = True
    headers = {"X-Forwarded-Proto": "https"}

    def on_start(self):
        self.client.cookiejar.set_policy(LoopbackCookiePolicy())
        self.base_headers = {
            **self.headers,
            "Origin": "https://" + self.host.split("://", 1)[1],
        }
        self.token = ""

    def page(self, url: str, name: str | None = None):
        with self.client.get(
            url,
            name=name or url,
            headers=self.base_headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"GET {url}: HTTP {response.status_code}")
                return None
            text = response.text or ""
            match = CSRF_RE.search(text)
            if match:
                self.token = match.group(1)
            return text

    def post(self, url: str, data: dict, name: str, expect=(302,), json_reply=False):
        headers = dict(self.base_headers)
        if json_reply:
            headers["Accept"] = "application/json"
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": self.token, **data},
            name=name,
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code not in expect:
                response.failure(f"POST {name}: HTTP {response.status_code}")
                return None
            return response.headers.get("Location") or response.text or ""

    def sign_in(self, username: str, password: str) -> bool:
        login = CONFIG["login_url"]
        if self.page(login) is None:
            return False
        target = self.post(
            login, {"username": username, "password": password}, name="sign in"
        )
        return bool(target)


class Student(Browser):
    """A learner: lessons, then the quiz at the class-period rush, then lessons."""

    weight = 100
    wait_time = (
        between(CONFIG["think_min"], CONFIG["think_max"])
        if CONFIG["think_max"]
        else constant(0)
    )

    def on_start(self):
        super().on_start()
        number = next(STUDENT_NUMBERS)
        self.username = CONFIG["student_pattern"] % number
        self.signed_in = self.sign_in(self.username, CONFIG["student_password"])
        self.lesson_index = random.randrange(len(CONFIG["lesson_urls"]))
        self.quiz_at = (
            CONFIG["rush_at"] + random.uniform(0, CONFIG["rush_window"])
            if SCENARIO == "rush"
            else 0
        )
        self.quiz_done = False
        if self.signed_in:
            self.page(CONFIG["my_learning_url"], name="my learning")

    def think(self):
        if CONFIG["think_max"]:
            time.sleep(random.uniform(CONFIG["think_min"], CONFIG["think_max"]))

    @task
    def learn(self):
        if not self.signed_in:
            self.signed_in = self.sign_in(self.username, CONFIG["student_password"])
            return
        if SCENARIO == "steps":
            self.read_lesson()
            self.take_quiz(saves=CONFIG["steps_saves"])
            self.page(CONFIG["my_learning_url"], name="my learning")
            return
        if not self.quiz_done and _elapsed() >= self.quiz_at:
            self.quiz_done = True
            self.take_quiz(saves=CONFIG["rush_saves"])
            return
        self.read_lesson()

    def read_lesson(self):
        self.page(CONFIG["course_url"], name="course page")
        self.think()
        url = CONFIG["lesson_urls"][self.lesson_index]
        self.lesson_index = (self.lesson_index + 1) % len(CONFIG["lesson_urls"])
        if self.page(url, name="lesson page") is None:
            return
        self.think()
        self.post(url, {"action": "complete"}, name="lesson complete")

    def take_quiz(self, saves: int):
        quiz = CONFIG["quiz_url"]
        if self.page(quiz, name="quiz page") is None:
            return
        QUIZ_STARTS.append(_elapsed())
        location = self.post(quiz, {"action": "start"}, name="quiz start")
        if not location:
            return
        html = self.page(location, name="attempt page")
        if html is None:
            return
        save_url = SAVE_URL_RE.search(html).group(1)
        submit_url = SUBMIT_URL_RE.search(html).group(1)
        questions: dict[str, list[str]] = {}
        for key, value in RADIO_RE.findall(html):
            questions.setdefault(key, []).append(value)
        keys = list(questions)
        answers: dict[str, str] = {}
        per_save = max(1, -(-len(keys) // max(saves, 1)))
        for start in range(0, len(keys), per_save):
            self.think()
            for key in keys[start : start + per_save]:
                answers[key] = random.choice(questions[key])
            self.post(
                save_url,
                {"page": "0", **answers},
                name="quiz autosave",
                expect=(200,),
                json_reply=True,
            )
        self.think()
        review = self.post(submit_url, {"page": "0", **answers}, name="quiz submit")
        if review:
            self.page(review, name="quiz review")


class Staff(Browser):
    """A teacher or school admin opening the course learners report."""

    fixed_count = CONFIG["staff"] if SCENARIO == "rush" else 0
    weight = 1
    wait_time = between(20, 40)
    staff_numbers = itertools.count()

    def on_start(self):
        super().on_start()
        accounts = CONFIG["staff_accounts"]
        self.username = accounts[next(self.staff_numbers) % len(accounts)]
        self.signed_in = self.sign_in(self.username, CONFIG["staff_password"])

    @task
    def report(self):
        if self.signed_in:
            self.page(CONFIG["report_url"], name="staff learners report")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else 0


class Scenario(LoadTestShape):
    """Users over time for the chosen scenario; None ends the run."""

    def tick(self):
        run_time = self.get_run_time()
        if SCENARIO == "rush":
            if run_time >= CONFIG["run_seconds"]:
                return None
            rate = CONFIG["students"] / max(CONFIG["signin_window"], 1)
            return (CONFIG["students"] + CONFIG["staff"], max(rate, 1))
        steps, seconds = CONFIG["steps"], CONFIG["step_seconds"]
        index = int(run_time // seconds)
        if index >= len(steps):
            return None
        if index > 0 and run_time % seconds < 1.5:
            # Stop once the step just finished held p95 above the bound.
            start = (index - 1) * seconds + CONFIG["step_warmup"]
            times = [
                s[3]
                for s in SAMPLES
                if start <= s[0] < index * seconds and s[2] != "sign in"
            ]
            if times and _p95(times) > CONFIG["p95_limit_ms"]:
                return None
        return (steps[index], steps[index])
