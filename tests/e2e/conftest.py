"""Real-browser journeys: a live server on a real database, driven by Chromium.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, installed by
``lms/scripts/e2e.sh``; Playwright downloads no browser). axe-core comes from
npm (``package.json`` at the repository root). Screenshots of the key pages
land in ``var/e2e/`` on every run.
"""

import io
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "e2e"
AXE_SOURCE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("LMS_E2E_CHROMIUM", "/usr/bin/chromium")
DEMO_PASSWORD = "demo12345"
PHONE = {"width": 360, "height": 740}

# Console messages Chromium prints when the Content-Security-Policy blocks
# something ("Refused to execute inline script because it violates ...").
CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to (execute|load|apply)")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run the journeys with `bash lms/scripts/e2e.sh`, "
            "which installs Debian's chromium."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses
    # ORM calls while a loop runs unless told that this is a test.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_site(live_server, settings):
    """The demo school seeded through its management command, served live."""
    settings.LMS_SITE_URL = live_server.url
    settings.AXES_ENABLED = False
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return live_server.url


@dataclass
class Browsing:
    """A browser context for one person, with what the journeys check."""

    context: object
    page: object
    base_url: str
    name: str
    console: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 400, (path, response)
        return response

    def shot(self, label: str) -> Path:
        """Save a full-page screenshot under var/e2e/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.name}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def csp_violations(self) -> list[str]:
        return [text for text in self.console if CSP_MESSAGE.search(text)]

    def assert_no_csp_violation(self) -> None:
        assert self.csp_violations() == []

    def sign_in(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.goto("/tai-khoan/dang-nhap/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_load_state()
        assert "/tai-khoan/dang-nhap/" not in self.page.url, self.page.url


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures know it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def browse(request, chromium, demo_site):
    """Open browser contexts: ``browse("student")`` or with a ``viewport``."""
    opened: list[Browsing] = []

    def open_context(name: str, *, viewport: dict | None = None, **options):
        context = chromium.new_context(
            base_url=demo_site,
            viewport=viewport or {"width": 1280, "height": 900},
            locale="vi-VN",
            accept_downloads=True,
            **options,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        browsing = Browsing(context=context, page=page, base_url=demo_site, name=name)
        page.on("console", lambda message: browsing.console.append(message.text))
        page.on("pageerror", lambda error: browsing.console.append(str(error)))
        opened.append(browsing)
        return browsing

    yield open_context
    report = getattr(request.node, "report_call", None)
    close_all(opened, failed=report is not None and report.failed)


def close_all(opened: list[Browsing], *, failed: bool = False) -> None:
    """Close each person's browser once the server has answered all of it.

    The test database is flushed after the test. A request still being served
    then (a late beacon, a download) holds its tables and can deadlock the
    flush, which leaves every later journey on this worker with the old rows.
    Leaving each page first runs its unload work while the rows are there:
    Wagtail's editor, for one, releases its editing session with a beacon
    when the page goes away.
    """
    for browsing in opened:
        if browsing.page.is_closed():
            continue
        if failed:
            # Where the journey stopped, for whoever reads the CI log.
            browsing.shot("failed")
        browsing.page.goto("about:blank")
    SERVED.wait_until_idle()
    for browsing in opened:
        browsing.context.close()
    opened.clear()
    SERVED.wait_until_idle()


class Served:
    """Requests the test process is serving, counted by Django's signals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._last_change = 0.0

    def started(self, **kwargs) -> None:
        with self._lock:
            self._in_flight += 1
            self._last_change = time.monotonic()

    def finished(self, **kwargs) -> None:
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            self._last_change = time.monotonic()

    def wait_until_idle(self, *, quiet: float = 0.3, timeout: float = 15.0) -> None:
        """Return after ``quiet`` seconds in which no request was being served
        or arrived; a beacon reaches the server some 50-100 ms after its page
        is left. Fails the test after ``timeout`` seconds."""
        began = time.monotonic()
        while time.monotonic() - began < timeout:
            with self._lock:
                idle = self._in_flight == 0
                since = max(self._last_change, began)
            if idle and time.monotonic() - since >= quiet:
                return
            time.sleep(0.02)
        pytest.fail(f"the live server was still busy {timeout:.0f} s after the test")


SERVED = Served()
request_started.connect(SERVED.started, dispatch_uid="e2e-served-started")
request_finished.connect(SERVED.finished, dispatch_uid="e2e-served-finished")


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `bash lms/scripts/e2e.sh` (npm ci).")
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture
def axe_check(axe_source):
    """Run axe-core on a page; return its serious and critical violations.

    axe is evaluated through the DevTools protocol, which the page's
    Content-Security-Policy does not govern, so the CSP under test stays real
    and no script tag is added to the page.
    """

    def check(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source + "\n;undefined")
        results = page.evaluate(
            """async () => {
                const r = await window.axe.run(document, {resultTypes: ["violations"]});
                return r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                }));
            }"""
        )
        return [v for v in results if v["impact"] in ("serious", "critical")]

    return check


def describe(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)
