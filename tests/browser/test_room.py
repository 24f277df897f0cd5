"""The room as people see it (issue 24), in real Chromium: the phone's result card after a
reveal, a ranking that starts unranked in each person's own order, the offline state said at
once, the leader console as a cockpit at 1440×900, answering on someone's behalf without
phantom participants, and the way in from the home page in the phone's own language."""

import hashlib
import re

from playwright.sync_api import Page, expect

from facilitate.content import Step
from facilitate.dialogue.kinds import RankKind

from .conftest import NARROW, check_axe, save_screenshot

#: Phones of the walkthrough: a common one and the narrowest.
PHONE = {"width": 390, "height": 844}
COCKPIT = {"width": 1440, "height": 900}
QUIZ_PART = ("norrbotten-for-alla", "demografi")
RANK_PART = ("strategiskt-forum", "fokusomraden")
POLL_PART = ("norrbotten-for-alla", "introduktion")


def join(
    new_context, created: dict, name: str | None = None, viewport=PHONE, locale="sv-SE"
) -> Page:
    phone = new_context(viewport=viewport, phone=True, locale=locale).new_page()
    phone.goto(created["join_url"])
    if name:
        phone.locator("#name").fill(name)
    phone.locator("#join-form button[type=submit]").click()
    expect(phone.locator("#connection")).to_have_attribute("data-state", "connected")
    return phone


def first_of(api, session_id: int, kind: str) -> dict:
    return next(s for s in api.session(session_id)["steps"] if s["kind"] == kind)


def in_viewport(page: Page, selector: str) -> bool:
    """Whether the element is wholly on screen without scrolling (its top and bottom)."""
    return page.locator(selector).first.evaluate(
        """(e) => { const r = e.getBoundingClientRect();
                    return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }"""
    )


def test_after_reveal_the_phone_shows_its_result_first(served, api, new_context):
    created = api.create(*QUIZ_PART)
    api.call("POST", f"/sessions/{created['id']}/settings", json={"competitive": True})
    phone = join(new_context, created, "Aino")
    api.control(created["id"], "start")
    # Competitive mode, but nothing asked yet: no "0 points (place 1)".
    expect(phone.locator("#step-prompt")).to_be_visible()
    expect(phone.locator("#score")).to_be_hidden()
    quiz = first_of(api, created["id"], "quiz")
    api.control(created["id"], "goto", quiz["id"])
    # One tap answers; another tap changes the answer while the question is open.
    choices = phone.locator(".choice")
    expect(phone.locator(".answer-form button[type=submit]")).to_have_count(0)
    choices.nth(0).click()
    expect(phone.locator("#status")).to_have_text("Svar mottaget")
    choices.nth(1).click()
    expect(phone.locator(".own-answer")).to_contain_text(choices.nth(1).inner_text())
    wait_for = api.results(created["id"])[quiz["id"]]
    assert wait_for["responses"] >= 1
    api.control(created["id"], "reveal")
    card = phone.locator("#result-card")
    expect(card).to_be_visible()
    expect(card.locator(".verdict")).to_contain_text(re.compile("Du svarade rätt!|inte rätt"))
    if "inte rätt" in card.locator(".verdict").inner_text():
        expect(card).to_contain_text("Rätt svar:")
    expect(card.locator(".explanation")).to_contain_text("Förklaring")
    expect(card.locator(".result-points")).to_contain_text(
        re.compile(r"Dina poäng: \d+ \(plats 1\)")
    )
    expect(card.locator(".verdict")).to_be_in_viewport(ratio=1)  # the outcome, without scrolling
    expect(phone.locator(".answer-form")).to_be_hidden()  # no greyed-out options on top
    expect(phone.locator(".results-box .bar-row").first).to_be_visible()  # the room's, below
    save_screenshot(phone, "room-phone-result-card")
    phone.evaluate("() => window.scrollTo(0, 0)")
    check_axe(phone, "the phone's result card")


def test_a_ranking_starts_unranked_in_each_persons_own_order(served, api, new_context):
    created = api.create(*RANK_PART)
    phones = [join(new_context, created, name, viewport=NARROW) for name in ("Per", "Aino")]
    api.control(created["id"], "start")
    rank = first_of(api, created["id"], "rank")
    api.control(created["id"], "goto", rank["id"])
    orders = []
    for phone in phones:
        expect(phone.locator(".rank-pick")).to_have_count(4)
        expect(phone.locator(".rank-item")).to_have_count(0)
        expect(phone.locator(".rank-empty")).to_have_text("Inget är placerat än.")
        # The order shown is the server's for this participant: a shuffle seeded by their
        # token (kept on the phone), the same one stored with their answer.
        token = phone.evaluate(
            "(code) => JSON.parse(localStorage.getItem(`facilitate:${code}:token`))",
            created["code"],
        )
        shown = phone.locator(".rank-waiting").evaluate_all(
            "(items) => items.map((i) => i.dataset.id)"
        )
        orders.append(shown)
        step = _content_step(*RANK_PART, rank["id"])
        assert shown == RankKind().presented_order(step, hashlib.sha256(token.encode()).hexdigest())
        # Sent untouched: refused, nothing stored.
        phone.locator(".rank-form button[type=submit]").click()
        expect(phone.locator("#alert")).to_have_text("Placera alla alternativ innan du skickar.")
    assert api.results(created["id"]).get(rank["id"], {}).get("responses", 0) == 0
    check_axe(phones[0], "an unranked ranking at 320 px")
    save_screenshot(phones[0], "room-phone320-rank-unranked")
    # Tapped in order of preference: the last-shown option first.
    phone = phones[0]
    wanted = list(reversed(orders[0]))
    for option in wanted:
        phone.locator(f".rank-waiting[data-id='{option}'] .rank-pick").click()
    expect(phone.locator(".rank-item")).to_have_count(4)
    expect(phone.locator(".rank-pool-box")).to_be_hidden()
    phone.locator(".rank-form button[type=submit]").click()
    expect(phone.locator("#status")).to_have_text("Svar mottaget")
    results = api.results(created["id"])[rank["id"]]
    assert results["responses"] == 1
    assert results["results"]["order"][0] == wanted[0]
    save_screenshot(phone, "room-phone320-rank-placed")


def _content_step(module: str, part: str, step_id: str) -> Step:
    from facilitate import create_app
    from facilitate.content import library

    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "not used"})
    with app.app_context():
        return next(s for s in library().modules[module].part(part).steps if s.id == step_id)


def test_the_phone_says_at_once_when_the_network_is_gone(served, api, new_context):
    created = api.create(*POLL_PART)
    context = new_context(viewport=NARROW, phone=True)
    phone = context.new_page()
    phone.goto(created["join_url"])
    phone.locator("#join-form button[type=submit]").click()
    badge = phone.locator("#connection")
    expect(badge).to_have_attribute("data-state", "connected")
    api.control(created["id"], "start")
    poll = first_of(api, created["id"], "poll")
    api.control(created["id"], "goto", poll["id"])
    expect(phone.locator(".choice").first).to_be_visible()
    context.set_offline(True)
    # Said by the browser's own offline signal, not after a missed ping half a minute later.
    expect(badge).to_have_attribute("data-state", "offline", timeout=3000)
    expect(badge).to_contain_text("Ingen anslutning")
    phone.locator(".choice").first.click()
    expect(phone.locator("#status")).to_contain_text("Inte skickat än")
    save_screenshot(phone, "room-phone320-offline")
    check_axe(phone, "the phone while offline")
    context.set_offline(False)
    expect(badge).to_have_attribute("data-state", "connected")
    expect(phone.locator("#status")).to_have_text("Svar mottaget")
    assert api.results(created["id"])[poll["id"]]["responses"] == 1


def test_the_console_is_a_cockpit_at_1440_by_900(served, api, new_context, leader):
    created = api.create(*POLL_PART)
    console = leader(viewport=COCKPIT).new_page()
    console.goto(f"{served.base}/sessions/{created['id']}")
    expect(console.locator("#connection")).to_have_attribute("data-state", "connected")
    for name in ("Per", "Aino", "Lars"):
        join(new_context, created, name)
    expect(console.locator("#participants .participant-row")).to_have_count(3)
    console.locator("[data-action=start]").click()
    console.locator("[data-action=next]").click()
    expect(console.locator("#answered")).to_have_text("0 av 3 har svarat")
    # In view without scrolling: the controls, the current step, the counts, the people.
    for selector in (
        ".controls [data-action=next]",
        ".controls [data-action=reveal]",
        "#current-heading",
        ".current-prompt",
        "#answered",
        "#participant-count",
        "#participants .participant-row >> nth=2",
    ):
        assert in_viewport(console, selector), f"{selector} is out of view at 1440×900"
    # Settings and deletion are folded away (and there when opened).
    expect(console.locator("#settings-fold")).not_to_have_attribute("open", "")
    expect(console.locator("#set-competitive")).to_be_hidden()
    expect(console.locator("#confirm-delete")).to_be_hidden()
    console.locator("#settings-fold > summary").click()
    expect(console.locator("#set-hide_live_results")).to_be_visible()
    console.locator("#settings-fold > summary").click()
    console.evaluate("() => window.scrollTo(0, 0)")
    save_screenshot(console, "room-console-cockpit-1440x900")
    check_axe(console, "the console at 1440×900")


def test_answering_on_behalf_creates_nobody_until_they_answer(served, api, new_context, leader):
    created = api.create(*POLL_PART)
    join(new_context, created, "Per")
    screen = leader(viewport={"width": 1280, "height": 720}).new_page()
    screen.goto(f"{served.base}/sessions/{created['id']}/screen")
    api.control(created["id"], "start")
    poll = first_of(api, created["id"], "poll")
    api.control(created["id"], "goto", poll["id"])
    answered = screen.locator("#screen-answered")
    expect(answered).to_contain_text("0 av 1 har svarat")
    behalf = leader(viewport=PHONE).new_page()
    behalf.goto(f"{served.base}/sessions/{created['id']}/behalf")
    picker = behalf.locator("#behalf-person")
    expect(behalf.locator("#behalf-who")).to_contain_text("en ny person")
    expect(picker.locator("option")).to_have_text(["Ny person"])
    # Opening the window, and choosing "Ny person" again, adds nobody to the room.
    picker.select_option("")
    expect(answered).to_contain_text("0 av 1 har svarat")
    behalf.locator("#behalf-name").fill("Gunnel")
    behalf.locator("#behalf-name").press("Tab")
    behalf.locator(".choice").nth(1).click()
    expect(behalf.locator("#behalf-who")).to_contain_text("Du svarar för: Gunnel")
    expect(answered).to_contain_text("1 av 2 har svarat")
    expect(picker.locator("option")).to_have_text(["Ny person", "Gunnel"])
    # A new, nameless person: counted once they answer, under the session's own numbering.
    picker.select_option("")
    expect(behalf.locator("#behalf-who")).to_contain_text("en ny person")
    expect(answered).to_contain_text("1 av 2 har svarat")
    behalf.locator(".choice").nth(0).click()
    expect(answered).to_contain_text("2 av 3 har svarat")
    expect(picker.locator("option")).to_have_text(["Ny person", "Gunnel", "Deltagare 3"])
    # Back to Gunnel by name: her answer is hers.
    picker.select_option(label="Gunnel")
    expect(behalf.locator("#behalf-who")).to_contain_text("Gunnel")
    expect(behalf.locator(".own-answer")).to_contain_text(
        behalf.locator(".choice").nth(1).inner_text()
    )
    assert api.results(created["id"])[poll["id"]]["responses"] == 2
    check_axe(behalf, "answering on someone's behalf")
    save_screenshot(behalf, "room-behalf-picker")


def test_the_home_page_lets_people_join_in_their_own_language(served, api, new_context):
    created = api.create(*QUIZ_PART)
    home = new_context(viewport=NARROW, phone=True, locale="fi-FI").new_page()
    home.goto(served.base + "/")
    check_axe(home, "the home page in Finnish at 320 px")
    save_screenshot(home, "room-home-fi")
    home.get_by_label("Näytöllä näkyvä koodi").fill(created["code"])
    home.get_by_role("button", name="Liity").click()
    expect(home).to_have_url(re.compile(f"/j/{created['code']}$"))
    assert home.locator("html").get_attribute("lang") == "fi"
    expect(home.locator("#session-title")).to_have_text("Demografia ja kaupungistuminen")
    expect(home.locator("#session-module")).to_have_text(re.compile("Norrbotten"))
    check_axe(home, "the join page naming its session")
    swedish = new_context(viewport=NARROW, phone=True).new_page()
    swedish.goto(created["join_url"])
    expect(swedish.locator("#session-title")).to_have_text("Demografi och urbanisering")
