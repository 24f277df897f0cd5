"""The participant's whole evening on a phone, the same in Chromium, WebKit (Safari's engine:
every browser on an iPhone) and Firefox.

One scenario, written against ``engines.Phone`` and run by each engine's driver: a 375 px phone
picks its language from the menu and joins by the session's code; it answers a step of every
kind (poll, scale, quiz before and after the reveal, an open prompt whose contribution is edited
and another withdrawn, a word cloud, a ranking moved by keyboard alone, statements, 10 points
spread by + buttons); a reload resumes the same participant with their answers; its network
drops, it answers anyway, and the answer waiting in the localStorage outbox is sent when the
network is back, and stored once; its text is doubled. Screenshots of each page kind per
engine go to ``test-artifacts/browser/``.

``make test`` installs the engines from Debian's packages. An engine whose packages are missing
is skipped with the reason (outside CI: CI must run all three); the run ends by saying which
engines ran.
"""

import os
from collections.abc import Iterator

import pytest

from . import engines, every_kind
from .conftest import ARTIFACTS, AXE_SCRIPT, AXE_TAGS, CHROMIUM, HERE, PHONE, WAIT_MS
from .test_accessibility import LOSS, NARROWEST

#: The phone's page area in CSS pixels.
WIDTH, HEIGHT = PHONE["width"], PHONE["height"]
STEP_IDS = [step["id"] for step in every_kind.STEPS]
#: HTML_CodeSniffer, pinned in package-lock.json beside axe-core.
HTMLCS_SCRIPT = HERE / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"


@pytest.fixture(params=engines.ENGINES)
def phone(request, new_context, tmp_path) -> Iterator[engines.Phone]:
    """A fresh 375 px phone in each engine; skipped (failed in CI) where one is not installed."""
    engine = request.param
    reason = engines.missing(engine, CHROMIUM)
    if reason:
        engines.OUTCOMES[engine] = f"skipped ({reason})"
        if os.environ.get("CI"):
            pytest.fail(f"{engine}: {reason}: CI runs the phone in every engine")
        pytest.skip(f"{engine}: {reason}")
    limit = WAIT_MS / 1000
    engines.OUTCOMES[engine] = "failed"  # until the scenario reaches its end
    if engine == "chromium":
        context = new_context(viewport=PHONE, phone=True)
        made: engines.Phone = engines.PlaywrightPhone(context.new_page(), limit)
        yield made
        keep_failure(request, made)
        return
    with engines.virtual_display() if engine == "webkit" else _nothing() as display:
        if engine == "webkit":
            driver = engines.webkit_driver(display, tmp_path, WIDTH, HEIGHT)
        else:
            driver = engines.firefox_driver(tmp_path, WIDTH, HEIGHT)
        made = engines.SeleniumPhone(engine, driver, limit)
        try:
            yield made
            keep_failure(request, made)
        finally:
            made.close()


def keep_failure(request, phone: engines.Phone) -> None:
    """What the phone showed when the scenario failed, for whoever reads the CI log."""
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(ARTIFACTS / f"phone-{phone.engine}-FAILED.png")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


@pytest.fixture
def relay(served) -> Iterator[engines.Relay]:
    relay = engines.Relay(int(served.base.rsplit(":", 1)[1]))
    yield relay
    relay.close()


class Evening:
    """The session as the leader runs it (through the API) and the phone in it."""

    def __init__(self, api, phone: engines.Phone):
        self.api, self.phone = api, phone
        created = api.create(every_kind.MODULE_ID, every_kind.PART_ID)
        self.id, self.code = created["id"], created["code"]
        self.started = False

    def show(self, step_id: str) -> None:
        """The leader moves the room to ``step_id``; the phone's counter says so."""
        if not self.started:
            self.api.control(self.id, "start")
            self.started = True
        self.api.control(self.id, "goto", step_id)
        counter = self.phone.words()["step_counter"].format(
            index=STEP_IDS.index(step_id) + 1, count=len(STEP_IDS)
        )
        self.phone.expect_text("#step-counter", counter)

    def result(self, step_id: str) -> dict:
        return self.api.results(self.id)[step_id]

    def shot(self, kind: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.phone.screenshot(ARTIFACTS / f"phone-{self.phone.engine}-{kind}.png")


def check_axe(phone: engines.Phone, what: str) -> None:
    """axe-core on the page as it is now, in this engine: no violation."""
    if not phone.run("() => typeof window.axe === 'object'"):
        phone.inject(AXE_SCRIPT.read_text("utf-8"))
    violations = phone.run(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                                    resultTypes: ["violations"]});
            return result.violations.map((v) => v.id + ": " + v.help + " at "
                + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
        }""",
        AXE_TAGS,
    )
    assert not violations, f"{phone.engine}, {what}: {violations}"


def check_htmlcs(phone: engines.Phone, what: str) -> None:
    """HTML_CodeSniffer, an independent checker beside axe-core: no WCAG 2 AA error (its H71
    flags a fieldset without a real <legend>). Not in Firefox: in the sandbox Marionette runs
    test scripts in, its check never calls back."""
    if not phone.run("() => typeof window.HTMLCS === 'object'"):
        phone.inject(HTMLCS_SCRIPT.read_text("utf-8"))
    errors = phone.run(
        """() => new Promise((resolve) => HTMLCS.process("WCAG2AA", document, () => resolve(
            HTMLCS.getMessages().filter((m) => m.type === HTMLCS.ERROR)
                .map((m) => m.code + " at " + (m.element.id || m.element.className
                                               || m.element.tagName)))))"""
    )
    assert not errors, f"HTML_CodeSniffer on {what}: {errors}"


def check_no_loss(phone: engines.Phone, what: str) -> None:
    """Nothing lost: no horizontal scrolling, no text cut off or squeezed."""
    state = phone.run(LOSS, NARROWEST)
    where = f"{phone.engine}, {what}"
    assert state["scroll"] <= 0, f"{where}: {state['scroll']} px of horizontal scrolling"
    assert not state["clipped"], f"{where}: text cut off in {state['clipped']}"
    assert not state["broken"], f"{where}: words broken across lines: {state['broken']}"


def pick(phone: engines.Phone, value: str) -> None:
    """Tap the choice ``value`` (its label, as a finger would) and send it: a single choice is
    sent by the tap itself, a scale with its button."""
    phone.click(f"label:has(input[value='{value}'])")
    phone.wait(
        "(v) => document.querySelector(`.answer-form input[value='${v}']`).checked",
        value,
        what=f"choice {value} to be checked",
    )
    if phone.run("() => !document.querySelector('.answer-form.one-tap')"):
        phone.click(".answer-form button[type=submit]")


OUTBOX_EMPTY = """() => Object.keys(localStorage).filter((k) => k.endsWith(':outbox'))
    .every((k) => JSON.parse(localStorage.getItem(k)).length === 0)"""


def outbox(phone: engines.Phone) -> list[dict]:
    """What waits in the phone's localStorage outbox."""
    return phone.run(
        "() => Object.keys(localStorage).filter((k) => k.endsWith(':outbox'))"
        ".flatMap((k) => JSON.parse(localStorage.getItem(k)))"
    )


def test_the_whole_evening_on_a_phone(served, api, phone, relay):
    evening = Evening(api, phone)

    # --- the language menu, then joining by the code ------------------------------------------
    phone.goto(f"{relay.base}/j/{evening.code}")
    phone.expect_visible("#join-form")
    width = phone.run("() => innerWidth")
    assert width == WIDTH, f"{phone.engine}: the page is {width} px wide, not {WIDTH}"
    # The phone's own language where the app has it (WebKitGTK's MiniBrowser asks for English).
    own = phone.run("() => navigator.language.slice(0, 2)")
    expected = own if own in ("sv", "en", "fi") else "sv"
    assert phone.run("() => document.documentElement.lang") == expected
    phone.click_text("nav.languages a", "English")
    phone.wait("() => document.documentElement.lang === 'en'", what="the page in English")
    phone.expect_text("#join-heading", "Join")
    phone.click_text("nav.languages a", "Svenska")
    phone.wait("() => document.documentElement.lang === 'sv'", what="the page in Swedish")
    phone.expect_visible("#join-form")
    check_axe(phone, "the join form")
    evening.shot("join")
    phone.fill("#name", "Ruth")
    phone.click("#join-form button[type=submit]")
    phone.expect_visible("#lobby")
    phone.expect_text("#joined-as", "Ruth")
    evening.shot("lobby")
    assert api.session(evening.id)["participant_count"] == 1

    # --- info ---------------------------------------------------------------------------------
    evening.show("valkomna")
    phone.expect_text("#step-prompt", "Välkomna")
    evening.shot("info")

    # --- a poll and a scale: tapped ------------------------------------------------------------
    evening.show("poll")
    check_axe(phone, "a poll")
    if phone.engine != "firefox":
        check_htmlcs(phone, "a poll")
    pick(phone, "buss")
    phone.expect_status("received")
    evening.shot("poll")
    evening.show("scale")
    phone.expect_count("fieldset.scale > legend", 1)
    check_axe(phone, "a scale")
    if phone.engine != "firefox":
        check_htmlcs(phone, "a scale")
    pick(phone, "4")
    phone.expect_status("received")
    evening.shot("scale")

    # --- a quiz, before and after the reveal ---------------------------------------------------
    evening.show("quiz")
    phone.expect_count("fieldset.choices > legend", 1)
    phone.expect_count(".verdict", 0)  # nothing said about right or wrong before the reveal
    if phone.engine != "firefox":
        check_htmlcs(phone, "a quiz question")
    pick(phone, "b")
    phone.expect_status("received")
    evening.shot("quiz")
    api.control(evening.id, "reveal")
    phone.expect_visible(".results-box")
    phone.expect_text(".verdict-right", phone.words()["answered_right"])
    check_axe(phone, "a revealed quiz question")
    evening.shot("quiz-results")
    answered = {step: evening.result(step)["responses"] for step in ("poll", "scale", "quiz")}
    assert answered == {"poll": 1, "scale": 1, "quiz": 1}, answered

    # --- an open prompt: one contribution edited, another withdrawn ----------------------------
    evening.show("open")
    check_axe(phone, "an open prompt")
    phone.fill("#contribution", "Närheten till naturen")
    phone.click(".answer-form button[type=submit]")
    phone.expect_status("received")
    phone.expect_text(".contributions", "Närheten till naturen")
    phone.click_until(
        ".contributions [data-own-action=edit]",
        "() => Boolean(document.querySelector('.edit-form'))",
        what="the editor to open",
    )
    phone.fill(".edit-form textarea", "Närheten till fjällen")
    evening.shot("open-editing")
    phone.click(".edit-form button[type=submit]")
    phone.expect_status("edit_saved")
    phone.expect_text(".contributions", "Närheten till fjällen")
    phone.fill("#contribution", "Tystnaden")
    phone.click(".answer-form button[type=submit]")
    phone.expect_status("received")
    phone.wait(OUTBOX_EMPTY, what="the second contribution to be acknowledged")
    phone.expect_count(".contributions [data-own-action=withdraw]", 2)
    phone.click_until(
        ".contributions li:last-child [data-own-action=withdraw]",
        "() => Boolean(document.querySelector('.contributions [data-own-action=confirm]'))",
        what="the withdrawal to ask for confirmation",
    )
    phone.click(".contributions [data-own-action=confirm]")
    phone.expect_status("withdrawn")
    phone.expect_count(".contributions [data-own-action=withdraw]", 1)
    evening.shot("open")
    texts = [c["text"] for c in evening.result("open")["results"]["contributions"]]
    assert texts == ["Närheten till fjällen"], texts

    # --- a word cloud --------------------------------------------------------------------------
    evening.show("words")
    check_axe(phone, "a word cloud")
    phone.fill("#words", "framtid")
    phone.press("Enter")
    phone.expect_status("received")
    phone.expect_text(".contributions", "framtid")
    evening.shot("wordcloud")

    # --- a ranking, by keyboard alone ----------------------------------------------------------
    evening.show("rank")
    phone.expect_count(".rank-item", 0)  # nothing is placed to begin with
    check_axe(phone, "a ranking")
    waiting = phone.run("() => document.querySelectorAll('.rank-waiting').length")
    for placed in range(1, waiting + 1):  # each tapped into place, in the order shown
        phone.tab_to(".rank-waiting:first-child .rank-pick")
        phone.press("Enter")
        phone.expect_count(".rank-item", placed)
    first = phone.texts(".rank-item .rank-option")[0]
    # Back to the first option by Shift+Tab (engines.Phone.tab_to), then moved down twice by
    # Enter alone: the focus stays on the moved option's button.
    phone.tab_to(".rank-item:first-child .rank-buttons button:nth-child(2)")  # move down
    phone.press("Enter")
    phone.press("Enter")
    phone.wait(
        "(text) => document.querySelectorAll('.rank-item .rank-option')[2].textContent === text",
        first,
        what=f"{first} in third place",
    )
    order = phone.texts(".rank-item .rank-option")
    phone.tab_to(".rank-form button[type=submit]")
    phone.press("Enter")
    phone.expect_status("received")
    evening.shot("rank")
    ids = {o["text"]["sv"]: o["id"] for o in every_kind.STEPS[STEP_IDS.index("rank")]["options"]}
    assert evening.result("rank")["results"]["order"] == [ids[text] for text in order]

    # --- statements ----------------------------------------------------------------------------
    evening.show("statements")
    check_axe(phone, "statements")
    phone.click(".statement:nth-child(1) .reaction-agree")
    phone.expect_count(".statement:nth-child(1) .reaction-agree[aria-pressed=true]", 1)
    phone.click(".statement:nth-child(2) .reaction-disagree")
    phone.expect_count(".statement:nth-child(2) .reaction-disagree[aria-pressed=true]", 1)
    # A reaction shows as pressed as soon as it is sent; it is stored once the outbox is empty.
    phone.wait(OUTBOX_EMPTY, what="the reactions to be acknowledged")
    evening.shot("statements")
    got = evening.result("statements")["results"]
    reactions = {row["id"]: (row["agree"], row["disagree"]) for row in got["statements"]}
    assert (got["respondents"], reactions) == (1, {"el": (1, 0), "fiber": (0, 1)}), got

    # --- points, by keyboard: + buttons, the points left said as they change -------------------
    evening.show("points")
    check_axe(phone, "points")
    kinds = "() => JSON.parse(document.getElementById('step-kinds').textContent)"
    left = phone.run(kinds)["words"]["points"]["points_left"]  # the page's language's
    phone.expect_text(".points-left", left.format(left=10, budget=10))
    for row in (1, 2):  # +5 to each option (the + button adds at most what is left)
        phone.tab_to(f".points-row:nth-of-type({row}) .points-more")
        phone.press("Enter")
    phone.expect_text(".points-left", left.format(left=0, budget=10))
    phone.tab_to(".points-form button[type=submit]")
    phone.press("Enter")
    phone.expect_status("received")
    evening.shot("points")
    assert evening.result("points")["results"]["totals"] == {"skola": 5, "buss": 5}
    evening.show("statements")  # where the reload below begins

    # --- a reload resumes the same participant with their answers ------------------------------
    phone.reload()
    phone.expect_count(".statement:nth-child(1) .reaction-agree[aria-pressed=true]", 1)
    phone.expect_count(".statement:nth-child(2) .reaction-disagree[aria-pressed=true]", 1)
    evening.show("rank")
    phone.wait(
        "(order) => JSON.stringify([...document.querySelectorAll('.rank-item .rank-option')]"
        ".map((e) => e.textContent)) === JSON.stringify(order)",
        order,
        what=f"the ranking as sent: {order}",
    )
    evening.show("open")
    phone.expect_text(".contributions", "Närheten till fjällen")
    assert api.session(evening.id)["participant_count"] == 1

    # --- the network drops: the answer waits in the outbox, and is sent once when it is back --
    relay.cut()
    phone.wait(
        "() => document.getElementById('connection').dataset.state !== 'connected'",
        what="the phone to notice it is offline",
    )
    phone.fill("#contribution", "Fjällen och tystnaden")
    phone.click(".answer-form button[type=submit]")
    phone.expect_status("queued")
    phone.expect_text(".contributions .pending", "Fjällen och tystnaden")
    waiting = outbox(phone)
    assert [(e["step"], e["value"]) for e in waiting] == [("open", "Fjällen och tystnaden")]
    evening.shot("offline")
    assert len(evening.result("open")["results"]["contributions"]) == 1, "stored while offline"

    relay.restore()
    phone.wait(
        "() => document.getElementById('connection').dataset.state === 'connected'",
        what="the phone to reconnect",
    )
    phone.expect_status("received")
    phone.expect_count(".contributions .pending", 0)
    assert outbox(phone) == []
    texts = [c["text"] for c in evening.result("open")["results"]["contributions"]]
    assert sorted(texts) == ["Fjällen och tystnaden", "Närheten till fjällen"], texts

    # --- text at 200 % -------------------------------------------------------------------------
    before = phone.run("() => parseFloat(getComputedStyle(document.body).fontSize)")
    phone.run("() => document.documentElement.style.setProperty('font-size', '200%', 'important')")
    after = phone.run("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert after == pytest.approx(2 * before), (before, after)
    check_no_loss(phone, "an open prompt with 200 % text")
    evening.shot("text-200-percent")
    phone.run("() => document.documentElement.style.removeProperty('font-size')")

    # --- the end -------------------------------------------------------------------------------
    api.control(evening.id, "end")
    phone.expect_visible("#ended")
    evening.shot("ended")
    engines.OUTCOMES[phone.engine] = "ran"
