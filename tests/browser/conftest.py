"""Real-browser tests: Debian's Chromium driven by Playwright for Python against ``facilitate
serve`` on loopback, with axe-core (tests/browser/package.json) injected into the pages.

``make test`` installs all of it: Chromium with apt-get when /usr/bin/chromium is missing,
Playwright from the ``test`` extra, axe-core with ``npm ci``. Screenshots go to
``test-artifacts/browser/``. The phone's own flow runs in WebKit and Firefox too
(engines.py, test_phone_engines.py).

One server and one browser serve the whole run; every test gets fresh browser contexts (no
cookies or storage shared between tests, except the leader's login where a test asks for it).
"""

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from facilitate import create_app
from facilitate.auth import Role
from facilitate.auth.operations import create_token, create_user
from facilitate.authoring.operations import create_module
from facilitate.extensions import db

from ..realserver import free_port, running_server, server_env
from . import every_kind

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
#: Debian's Chromium; another build can be named with FACILITATE_TEST_CHROMIUM.
CHROMIUM = os.environ.get("FACILITATE_TEST_CHROMIUM", "/usr/bin/chromium")
#: Without these, Chromium reaches for Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LEADER = "leader@example.org"
ANALYST = "analyst@example.org"
PASSWORD = "correct horse battery staple"
#: Where statement readers report problems (shown on the accessibility statement page).
ACCESSIBILITY_CONTACT = "tillganglighet@example.org"

#: Upper bound for anything the page should show after an action (not a speed assertion).
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)
HTTP_LIMIT = 30

#: Viewports: a phone (CSS pixels of a common Android phone), the narrowest phone WCAG 1.4.10
#: asks for, a laptop running the console, and a projector.
PHONE = {"width": 375, "height": 740}
NARROW = {"width": 320, "height": 640}
LAPTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
SIZES = {"phone": PHONE, "projector": PROJECTOR}

#: The rules axe-core runs: WCAG 2.0/2.1 A and AA, plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


# --- the server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    """The running server: its address and a leader's credentials and API token."""

    base: str
    token: str
    email: str = LEADER
    password: str = PASSWORD
    #: Its SQLite file, for tests that put data in place directly.
    database: Path | None = None


def prepare_database(path: Path) -> str:
    """What ``facilitate db upgrade``, ``users create`` and ``tokens create`` do, in this process
    (three commands would start the app three times): the schema, one leader with a module of
    every step kind (every_kind.py) and one analyst. Returns the leader's API token."""
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "not used here"})
    with app.app_context():
        path.parent.mkdir(parents=True, exist_ok=True)
        upgrade()
        minimum = app.config["PASSWORD_MIN_LENGTH"]
        leader = create_user(LEADER, Role.leader, PASSWORD, min_length=minimum)
        token = create_token(leader)
        create_module(leader, every_kind.DOCUMENT)
        create_user(ANALYST, Role.analyst, PASSWORD, min_length=minimum)
        db.session.commit()
        db.engine.dispose()
    return token


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Iterator[Served]:
    """``facilitate serve`` on loopback with one leader. Its public URL is its loopback address,
    so the QR code leads the phones here."""
    folder = tmp_path_factory.mktemp("browser")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(
        folder / "instance",
        FACILITATE_PUBLIC_URL=base,
        FACILITATE_ACCESSIBILITY_CONTACT=ACCESSIBILITY_CONTACT,
    )
    database = folder / "instance" / "facilitate.sqlite3"
    token = prepare_database(database)
    log_path = folder / "server.log"
    try:
        with open(log_path, "w") as log, running_server(env, output=log, port=port) as (url, _):
            assert url == base
            yield Served(base, token, database=database)
    finally:
        print(log_path.read_text()[-20000:])


class Api:
    """The REST API as the leader: sessions are made and steered here where a test is about
    another page than the console."""

    def __init__(self, served: Served):
        self.base = served.base + "/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {served.token}"

    def call(self, method: str, path: str, expect: int = 200, **kwargs):
        response = self.http.request(method, self.base + path, timeout=HTTP_LIMIT, **kwargs)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json()

    def create(self, module: str, part: str) -> dict:
        return self.call("POST", "/sessions", 201, json={"module": module, "part": part})

    def session(self, session_id: int) -> dict:
        return self.call("GET", f"/sessions/{session_id}")

    def control(self, session_id: int, action: str, step: str | None = None) -> dict:
        payload = {"action": action, **({"step": step} if step else {})}
        return self.call("POST", f"/sessions/{session_id}/control", json=payload)

    def results(self, session_id: int) -> dict[str, dict]:
        got = self.call("GET", f"/sessions/{session_id}/results")
        return {result["step"]: result for result in got}


@pytest.fixture
def api(served) -> Iterator[Api]:
    api = Api(served)
    yield api
    api.http.close()


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: `make test` installs it with npm ci")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser) -> Iterator:
    """A factory of fresh browser contexts (a person's own browser), closed after the test.
    Swedish by default: headless Chromium would otherwise ask for English."""
    made: list[BrowserContext] = []

    def make(viewport=LAPTOP, locale="sv-SE", phone=False, **options) -> BrowserContext:
        if phone:
            options.update(is_mobile=True, has_touch=True)
        context = browser.new_context(viewport=viewport, locale=locale, **options)
        context.set_default_timeout(WAIT_MS)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def log_in(page: Page, served: Served, email: str | None = None) -> None:
    """The login form, filled in and sent as a person would (the leader unless ``email``)."""
    page.goto(served.base + "/login")
    page.get_by_label("E-postadress").fill(email or served.email)
    page.get_by_label("Lösenord").fill(served.password)
    page.get_by_role("button", name="Logga in").click()
    # Leaders land in the module library, analysts on the analyst pages.
    page.wait_for_url(re.compile(r"/(modules|analysis/)$"))


@pytest.fixture(scope="session")
def leader_state(browser, served, tmp_path_factory) -> str:
    """The leader's cookies after one login through the form, for tests about other pages."""
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, served)
    path = tmp_path_factory.mktemp("leader") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture(scope="session")
def analyst_state(browser, served, tmp_path_factory) -> str:
    """The analyst's cookies after one login through the form."""
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    log_in(page, served, ANALYST)
    path = tmp_path_factory.mktemp("analyst") / "state.json"
    context.storage_state(path=str(path))
    context.close()
    return str(path)


@pytest.fixture
def analyst(new_context, analyst_state):
    """A factory of logged-in analyst contexts (laptop-sized)."""

    def make(viewport=LAPTOP, **options) -> BrowserContext:
        return new_context(viewport=viewport, storage_state=analyst_state, **options)

    return make


@pytest.fixture
def leader(new_context, leader_state):
    """A factory of logged-in leader contexts (laptop-sized unless told)."""

    def make(viewport=LAPTOP, **options) -> BrowserContext:
        return new_context(viewport=viewport, storage_state=leader_state, **options)

    return make


# --- checks ------------------------------------------------------------------------------------


def check_axe(page: Page, what: str) -> None:
    """Run axe-core on the page as it is now; fail with every violation, readably."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated by the test tool, not added as a <script>: the page's Content-Security-
        # Policy allows no inline script, and is not relaxed for the tests.
        page.evaluate(AXE_SCRIPT.read_text("utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "),
                                                         summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )
    if result:
        lines = [f"axe-core: {len(result)} violation(s) on {what} ({page.url}):"]
        for violation in result:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            for node in violation["nodes"]:
                summary = " ".join(node["summary"].split())
                lines.append(f"    {node['target']}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)


def save_screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_page(page: Page, name: str, axe_at: tuple[str, ...] = tuple(SIZES)) -> None:
    """What every page kind must pass: axe-core with no violation, at phone and projector size
    (or those of ``axe_at``: a live page at the size it is made for, to keep the suite quick);
    a screenshot at each size goes to ``test-artifacts/browser``."""
    before = page.viewport_size
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        if size_name in axe_at:
            check_axe(page, f"{name} at {size_name} size")
        save_screenshot(page, f"{name}--{size_name}")
    page.set_viewport_size(before)


FOCUS_STATE = """() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    const shadow = s.boxShadow && s.boxShadow !== "none";
    return {
        control: e.dataset.control ?? null,
        name: describe(e),
        visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
                 && r.top < innerHeight && r.left < innerWidth,
        indicator: outline || shadow,
    };
}"""

DESCRIBE = """window.describe = (e) => e.id ? "#" + e.id : e.tagName.toLowerCase() + ": "
    + (e.getAttribute("aria-label") || e.textContent.trim().slice(0, 40) || e.name || "");"""

#: Numbers every control a keyboard user should reach (data-control), a radio group once: the
#: browser makes a group one Tab stop and moves within it by arrow keys. Returns their names.
MARK_CONTROLS = """() => {
    const controls = [...document.querySelectorAll(
            "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")]
        .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length
                       && getComputedStyle(e).visibility !== "hidden");
    const names = [];
    const groups = new Map();
    for (const e of controls) {
        const group = e.type === "radio" && e.name ? e.form?.id + "/" + e.name : null;
        if (group && groups.has(group)) {
            e.dataset.control = groups.get(group);
            continue;
        }
        e.dataset.control = String(names.length);
        if (group) groups.set(group, e.dataset.control);
        names.push(describe(e));
    }
    return names;
}"""


def focus_ring(page: Page) -> dict | None:
    """Where the keyboard focus is and whether it is visible: on screen, with an outline or a
    ring of at least 2 px."""
    page.evaluate(f"() => {{ {DESCRIBE} }}")
    return page.evaluate(FOCUS_STATE)


def tab_through(page: Page, limit: int) -> list[dict]:
    """Press Tab from the top of the page until the focus leaves the page or comes round
    again; return every stop. Fails when a stop has no visible focus indicator."""
    # Start before the first element: a throwaway focus target at the top of the page.
    page.evaluate(
        """() => {
            const start = document.createElement("span");
            start.tabIndex = -1;
            start.id = "tab-walk-start";
            document.body.prepend(start);
            start.focus();
        }"""
    )
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        page.evaluate("() => document.getElementById('tab-walk-start')?.remove()")
        state = focus_ring(page)
        if state is None or (stops and state["name"] == stops[0]["name"]):
            break
        assert state["visible"] and state["indicator"], f"focus not visible on {state}"
        stops.append(state)
    return stops


def check_keyboard(page: Page, what: str) -> None:
    """Every control on the page is reached with Tab alone, each showing where the focus is
    (folded sections opened first, as a keyboard user opens them with Enter on their summary)."""
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    page.evaluate(f"() => {{ {DESCRIBE} }}")
    names = page.evaluate(MARK_CONTROLS)
    stops = tab_through(page, limit=2 * len(names) + 5)
    reached = {stop["control"] for stop in stops}
    missed = [name for number, name in enumerate(names) if str(number) not in reached]
    assert not missed, f"{what}: Tab never reached {missed}"


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Move the keyboard focus with Tab until it is on ``selector``; each stop must show it."""
    target = page.locator(selector)
    target.wait_for(state="visible")
    for _ in range(limit):
        if target.evaluate("(e) => e === document.activeElement"):
            return
        page.keyboard.press("Tab")
        state = focus_ring(page)
        if state is not None:
            assert state["visible"] and state["indicator"], f"focus not visible on {state}"
    pytest.fail(f"Tab never reached {selector}")


def wait_until(predicate, what: str, limit: float = WAIT_MS / 1000) -> None:
    """Poll ``predicate`` (outside the browser) until it holds; fail with ``what`` after
    ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {limit} s waiting for {what}")
        time.sleep(0.05)


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say which browser engines the phone's flow ran in (test_phone_engines.py)."""
    from .engines import ENGINES, OUTCOMES

    if OUTCOMES:
        told = ", ".join(f"{engine} {OUTCOMES.get(engine, 'not run')}" for engine in ENGINES)
        terminalreporter.write_line(f"browser engines: {told}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test (``item.failed_call``), for fixtures that save what
    the browser showed when a test failed."""
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True
    return report
