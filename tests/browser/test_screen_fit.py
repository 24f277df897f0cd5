"""The big screen fits the projector: every step of every shipped module, before and after
reveal, at 1920×1080 and at 1280×720, with no vertical overflow (never a scrollbar), and a
screenshot of each in ``test-artifacts/browser/screen-fit/``.

Each part is run as a room would: five people (entered by the leader on their behalf, over
the real Socket.IO connection) answer every step — three long contributions each to every open
prompt, so that a wall of fifteen must fit — and the leader reveals each step. What the screen
needed (its scale, how many pages a wall took) goes to ``screen-fit/metrics.json``.
"""

import json
import re
import time

import pytest
import requests
import socketio
from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, WAIT_MS

#: The two projectors of the issue: full HD and the common 720p of older ones.
PROJECTORS = {
    "1920x1080": {"width": 1920, "height": 1080},
    "1280x720": {"width": 1280, "height": 720},
}
PEOPLE = 5
#: Seconds between two events of one person's connection, at least.
PACE = 0.07
SHOTS = ARTIFACTS / "screen-fit"
#: Long contributions, as people write them in a village hall (about 110–170 characters).
IDEAS = [
    "Vi behöver fler mötesplatser i byarna där unga och äldre kan träffas och prata om framtiden, "
    "inte bara i centralorten.",
    "Kommunen och föreningarna borde planera tillsammans från början i stället för att "
    "föreningarna bjuds in när allt redan är bestämt.",
    "Kollektivtrafiken avgör om man kan bo kvar här. Utan buss till jobbet och skolan flyttar "
    "familjerna till kusten.",
    "Digitala möten fungerar bra för oss som bor långt bort, men bredbandet måste fungera i hela "
    "länet och inte bara i städerna.",
    "Ge de små föreningarna långsiktig finansiering så att de kan planera mer än ett år i taget "
    "och behålla sina eldsjälar.",
]
WORDS = ["framtid", "gemenskap", "natur", "arbete", "skola", "trygghet", "kultur", "vatten"]
REACTIONS = ["agree", "disagree", "pass", "agree", "agree"]

#: The projector sizes on which a wall has been seen turning its page.
TURNED: set[str] = set()

SETTLE = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
MEASURE = """() => {
    const step = document.getElementById('screen-step');
    const page = document.getElementById('screen-page');
    return {
        scrollHeight: document.documentElement.scrollHeight,
        innerHeight: window.innerHeight,
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        zoom: parseFloat(step.style.zoom || '1'),
        page: page.hidden ? null : page.textContent,
    };
}"""


class Person:
    """Someone without a phone, answered for by the leader: a connection of the leader's own
    (API token) that chose a new person; the person exists from their first answer on."""

    def __init__(self, base: str, token: str, session_id: int, number: int):
        self.last = 0.0
        self.client = socketio.Client(reconnection=False)
        self.client.connect(base, namespaces=["/live"], auth={"token": token}, wait_timeout=10)
        self.number = number
        self.presented: list[str] | None = None
        ack = self.call("behalf", {"session": session_id, "name": f"Person {number}"})
        assert ack["ok"], ack
        self.sent = 0

    def call(self, event: str, payload: dict) -> dict:
        # Paced below the server's limit of events per connection (EVENT_LIMIT_PER_CONNECTION,
        # 20 a second): a fast machine would otherwise send a statements step's eight
        # reactions faster than a person can.
        wait = self.last + PACE - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.last = time.monotonic()
        return self.client.call(event, payload, namespace="/live", timeout=WAIT_MS / 1000)

    def answer(self, step: str, value, statement: str | None = None) -> None:
        self.sent += 1
        payload = {"step": step, "value": value, "submission_id": f"p{self.number}s{self.sent}"}
        if statement:
            payload["statement"] = statement
        ack = self.call("answer", payload)
        assert ack["ok"], (step, value, ack)

    def order(self) -> list[str]:
        """The ranking's options in the order this person is shown them."""
        state = self.call("sync", {})["state"]
        return state["presented"]

    def close(self) -> None:
        self.client.disconnect()


def answer_step(people: list[Person], step: dict) -> None:
    """Everyone answers ``step`` (the leader's view of it: options, statements, scale)."""
    kind, sid = step["kind"], step["id"]
    for n, person in enumerate(people):
        if kind in ("quiz", "poll"):
            options = [o["id"] for o in step["options"]]
            choice = options[n % len(options)]
            person.answer(sid, [choice] if step.get("multiple") else choice)
        elif kind == "scale":
            person.answer(sid, step["min"] + n % (step["max"] - step["min"] + 1))
        elif kind == "open":
            for k in range(3):
                person.answer(sid, f"{IDEAS[(n + k) % len(IDEAS)]} ({n + 1}.{k + 1})")
        elif kind == "wordcloud":
            for k in range(3):
                person.answer(sid, WORDS[(n * 3 + k) % len(WORDS)])
        elif kind == "rank":
            person.answer(sid, person.order())
        elif kind == "points":
            options = [o["id"] for o in step["options"]]
            person.answer(sid, {options[n % len(options)]: step["budget"]})
        elif kind == "statements":
            for k, statement in enumerate(step["statements"]):
                person.answer(sid, REACTIONS[(n + k) % len(REACTIONS)], statement["id"])


def parts() -> list[tuple[str, str]]:
    """Every part of every shipped module, read from the content (no server needed)."""
    from facilitate import create_app
    from facilitate.content import library

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "not used"})
    with app.app_context():
        return [(m.id, p.id) for m in library().modules.values() for p in m.parts]


@pytest.fixture(scope="module")
def made(served):
    """The sessions of this module's runs, deleted at its end: their answers are test data
    that the analysts' pages of later tests should not see (and deleting them only at the end
    keeps participant ids, and so their answer limits, apart while the runs go on)."""
    sessions: list[int] = []
    yield sessions
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {served.token}"
    for session_id in sessions:
        http.delete(f"{served.base}/api/v1/sessions/{session_id}", timeout=30)
    http.close()


@pytest.fixture(scope="module")
def metrics():
    found: dict[str, dict] = {}
    yield found
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "metrics.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))


@pytest.mark.parametrize(("module", "part"), parts())
def test_every_step_fits_the_projector(served, api, leader, module, part, metrics, made):
    session = api.create(module, part)
    screens: dict[str, Page] = {}
    for name, size in PROJECTORS.items():
        page = leader(viewport=size).new_page()
        page.goto(f"{served.base}/sessions/{session['id']}/screen")
        expect(page.locator("#connection")).to_have_attribute("data-state", "connected")
        screens[name] = page
    people: list[Person] = []
    host = socketio.Client(reconnection=False)
    host.connect(served.base, namespaces=["/live"], auth={"token": served.token}, wait_timeout=10)
    steps_seen = []
    problems = []

    def check(page: Page, name: str, label: str, kind: str) -> dict:
        page.evaluate(SETTLE)
        got = page.evaluate(MEASURE)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{module}--{part}--{label}.png"))
        metrics[f"{module}/{part}/{label}"] = {
            "kind": kind,
            "zoom": round(got["zoom"], 3),
            "page": got["page"],
        }
        if got["scrollHeight"] > got["innerHeight"] or got["scrollWidth"] > got["innerWidth"]:
            problems.append((label, got))
        return got

    # Competitive mode: the leaderboard beside the step after each reveal has to fit too.
    api.call("POST", f"/sessions/{session['id']}/settings", json={"competitive": True})
    try:
        for name, page in screens.items():
            expect(page.locator("#screen-lobby")).to_be_visible()
            check(page, name, f"00-lobby-{name}", "lobby")
        api.control(session["id"], "start")
        people = [Person(served.base, served.token, session["id"], n + 1) for n in range(PEOPLE)]
        steps = api.session(session["id"])["steps"]
        for index, outline in enumerate(steps):
            if index:
                api.control(session["id"], "goto", outline["id"])
            state = host.call("host", {"session": session["id"]}, namespace="/live", timeout=10)
            step = state["state"]["step"]
            answerable = step["answerable"]
            if answerable:
                answer_step(people, step)
            moments = ["before", "after"] if answerable else ["shown"]
            for moment in moments:
                if moment == "after":
                    api.control(session["id"], "reveal")
                for name, page in screens.items():
                    screen = page.locator("#screen")
                    expect(screen).to_have_attribute("data-step", outline["id"])
                    expect(screen).to_have_attribute(
                        "data-revealed", str(moment == "after").lower()
                    )
                    if answerable:
                        expect(page.locator("#screen-answered")).to_contain_text(
                            f"{PEOPLE} av {PEOPLE}"
                        )
                    label = f"{index + 1:02d}-{outline['id']}-{moment}-{name}"
                    got = check(page, name, label, outline["kind"])
                    if got["page"] and name not in TURNED:
                        # A paged wall turns its pages by itself (seen once per projector size:
                        # each turn takes ten seconds), and the next page fits too.
                        note = page.locator("#screen-page")
                        expect(note).to_contain_text(re.compile(r"Sida 2 av \d+"), timeout=20_000)
                        page.evaluate(SETTLE)
                        assert page.evaluate(MEASURE)["scrollHeight"] <= got["innerHeight"]
                        TURNED.add(name)
            steps_seen.append(outline["id"])
        all_steps = [s["id"] for s in api.session(session["id"])["steps"]]
        # The end: thanks, the leaderboard and (quiz parts) what the group knew most about.
        api.control(session["id"], "end")
        for name, page in screens.items():
            expect(page.locator("#screen-ended")).to_be_visible()
            check(page, name, f"99-ended-{name}", "ended")
    finally:
        for person in people:
            person.close()
        host.disconnect()
        made.append(session["id"])
    assert steps_seen == all_steps
    assert not problems, f"the big screen overflows the projector: {problems}"
