"""A study-circle evening in real browsers, end to end.

The leader logs in, starts the first part of *Norrbotten för alla* from the module library and
opens the big screen. The QR code is read off a screenshot of the big screen, as a phone camera
would, and three participants open that address in phone-sized browsers (Swedish, Finnish and
English, one of them 320 px wide). They answer a poll, a quiz question and an open prompt; the
leader reveals each, and the big screen shows the results. One phone loses its network, answers
anyway, gets it back, and the answer arrives — once.
"""

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from .conftest import (
    NARROW,
    PHONE,
    PROJECTOR,
    check_axe,
    log_in,
    wait_until,
)

POLL, QUIZ, OPEN = "introduktion-poll-bott", "introduktion-q-yta", "introduktion-d-betyder"


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot."""
    barcodes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert len(barcodes) == 1, f"expected one QR code in the screenshot, found {len(barcodes)}"
    return barcodes[0].text


def words(page: Page) -> dict:
    """The page's own words (its JSON data block), in the language the page is shown in."""
    return page.evaluate("() => JSON.parse(document.getElementById('strings').textContent)")


def shown(phones: dict[str, Page], steps: list[dict], step_id: str) -> None:
    """Every phone shows the step (its counter says so in the phone's language)."""
    index = [s["id"] for s in steps].index(step_id)
    for phone in phones.values():
        counter = words(phone)["step_counter"].format(index=index + 1, count=len(steps))
        expect(phone.locator("#step-counter")).to_have_text(counter)


def answer_choice(phone: Page, option: str) -> None:
    phone.locator(f".choice input[value='{option}']").check()  # one tap sends it


def expect_received(phone: Page) -> None:
    expect(phone.get_by_role("status").filter(has_text=words(phone)["received"])).to_be_visible()


def bar_value(page: Page, label: str) -> str:
    row = page.locator(".bar-row").filter(has=page.locator(".bar-label", has_text=label))
    return row.locator(".bar-value").inner_text()


def test_a_circle_evening_from_qr_code_to_results(served, api, new_context):
    # --- the leader logs in and starts the part from the module library ----------------------
    laptop = new_context()
    console = laptop.new_page()
    log_in(console, served)
    console.get_by_role("button", name="Starta Introduktion").click()
    console.wait_for_url(re.compile(r"/sessions/\d+$"))
    session_id = int(console.url.rsplit("/", 1)[1])
    expect(console.locator("#connection")).to_have_attribute("data-state", "connected")
    check_axe(console, "the leader console in the lobby")

    # --- the big screen opens in a new window; its QR code is read off a screenshot ----------
    with laptop.expect_page() as opened:
        console.get_by_role("link", name=re.compile("Öppna storbildsskärmen")).click()
    screen = opened.value
    screen.set_viewport_size(PROJECTOR)
    qr = screen.locator(".qr-big")
    expect(qr).to_be_visible()
    wait_until(lambda: qr.evaluate("(img) => img.complete && img.naturalWidth > 0"), "the QR code")
    join_url = decode_qr(screen.screenshot())
    code = screen.locator(".code-huge").inner_text().replace(" ", "")
    assert join_url == f"{served.base}/j/{code}", join_url
    assert api.session(session_id)["code"] == code
    steps = api.session(session_id)["steps"]

    # --- three participants open the decoded address on their phones -------------------------
    people = {
        "Per": new_context(viewport=PHONE, locale="sv-SE", phone=True),
        "Aino": new_context(viewport=PHONE, locale="fi-FI", phone=True),
        "Lars": new_context(viewport=NARROW, locale="en-GB", phone=True),
    }
    phones: dict[str, Page] = {}
    for name, context in people.items():
        phone = phones[name] = context.new_page()
        phone.goto(join_url)
        # Each phone's own language comes before the session's (Swedish): a Finnish phone
        # gets the page in Finnish, an English one in English, without choosing.
        phone.locator("#name").fill(name)
        phone.locator("#join-form button[type=submit]").click()
        expect(phone.locator("#lobby")).to_be_visible()
        expect(phone.locator("#joined-as")).to_contain_text(name)
    assert phones["Aino"].locator("html").get_attribute("lang") == "fi"
    assert phones["Lars"].locator("html").get_attribute("lang") == "en"
    expect(console.locator("#participant-count")).to_have_text("3 deltagare")
    expect(screen.locator("#lobby-count")).to_have_text("3 deltagare har gått med")

    # --- the introduction, then the poll ---------------------------------------------------------
    console.get_by_role("button", name="Starta", exact=True).click()
    for phone in phones.values():
        expect(phone.locator("#step-prompt")).to_be_visible()
    console.get_by_role("button", name="Nästa").click()
    expect(screen.locator("#screen-prompt")).to_have_text("Hur länge har du bott i Norrbotten?")
    shown(phones, steps, POLL)
    for name, option in (("Per", "a"), ("Aino", "b"), ("Lars", "b")):
        answer_choice(phones[name], option)
        expect_received(phones[name])
    expect(console.locator("#answered")).to_have_text("3 av 3 har svarat")
    expect(screen.locator("#screen-answered")).to_contain_text("3 av 3 har svarat")

    console.get_by_role("button", name="Visa resultat").click()
    expect(screen.locator(".screen-results .bar-row")).to_have_count(5)
    assert re.fullmatch(r"1 svar, 33\s%", bar_value(screen, "Hela livet"))
    assert re.fullmatch(r"2 svar, 67\s%", bar_value(screen, "mer än tio år sedan"))
    assert re.fullmatch(r"0 svar, 0\s%", bar_value(screen, "Jag bor inte i Norrbotten"))
    mine = phones["Per"].locator(".results-box .bar-row").filter(has_text="(ditt svar)")
    expect(mine).to_contain_text("Hela livet")
    expect(phones["Aino"].locator(".results-box .mine")).to_have_text("(sinun vastauksesi)")
    check_axe(phones["Aino"], "the phone view in Finnish with results")

    # --- a quiz question: the right answer is marked in words on the screen and the phones --
    console.get_by_role("button", name="Nästa").click()
    expect(screen.locator("#screen-prompt")).to_contain_text("Sveriges största län")
    shown(phones, steps, QUIZ)
    for name, option in (("Per", "b"), ("Aino", "b"), ("Lars", "c")):
        answer_choice(phones[name], option)
        expect_received(phones[name])
    expect(console.locator("#answered")).to_have_text("3 av 3 har svarat")
    console.get_by_role("button", name="Visa resultat").click()
    right = screen.locator(".screen-results .bar-correct")
    expect(right).to_contain_text("Ungefär en fjärdedel")
    expect(right).to_contain_text("✓ (rätt svar)")
    expect(screen.locator(".screen-results")).to_contain_text("67 % svarade rätt")
    expect(screen.locator(".screen-explanation")).to_contain_text("Källa: SCB")
    expect(phones["Per"].locator(".verdict-right")).to_contain_text("Du svarade rätt!")
    expect(phones["Lars"].locator(".verdict-wrong")).to_contain_text("About one quarter")

    # --- the open prompt: the leader jumps to it in the step list --------------------------------
    index = [s["id"] for s in steps].index(OPEN)
    console.locator("#steps").get_by_role("button", name=f"Gå till steg {index + 1}:").click()
    expect(screen.locator("#screen-prompt")).to_have_text("Vad betyder Norrbotten för dig?")
    shown(phones, steps, OPEN)
    for name in ("Per", "Aino"):
        phones[name].locator("#contribution").fill(f"Hemma, sa {name}")
        phones[name].locator(".answer-form button[type=submit]").click()
        expect_received(phones[name])

    # --- Lars's phone loses its network, answers anyway, and gets it back ----------------------
    lars = phones["Lars"]
    people["Lars"].set_offline(True)
    expect(lars.locator("#connection")).not_to_have_attribute("data-state", "connected")
    offline_text = "Fjällen och tystnaden"
    lars.locator("#contribution").fill(offline_text)
    lars.locator(".answer-form button[type=submit]").click()
    expect(lars.get_by_role("status").filter(has_text=words(lars)["queued"])).to_be_visible()
    expect(lars.locator(".contributions .pending")).to_contain_text(offline_text)
    assert api.results(session_id)[OPEN]["responses"] == 2, "stored while the phone was offline"

    people["Lars"].set_offline(False)
    expect(lars.locator("#connection")).to_have_attribute("data-state", "connected")
    expect_received(lars)
    expect(lars.locator(".contributions .pending")).to_have_count(0)
    expect(lars.locator(".contributions")).to_contain_text(offline_text)
    expect(console.locator("#answered")).to_have_text("3 av 3 har svarat")

    # --- the leader reveals: the wall of answers, Lars's once ----------------------------------
    console.get_by_role("button", name="Visa resultat").click()
    wall = screen.locator(".screen-results .contribution-text")
    expect(wall).to_have_count(3)
    expect(wall.filter(has_text=offline_text)).to_have_count(1)
    stored = api.results(session_id)[OPEN]
    assert stored["responses"] == 3, stored
    texts = [c["text"] for c in stored["results"]["contributions"]]
    assert texts.count(offline_text) == 1, stored

    # --- the end --------------------------------------------------------------------------------
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Avsluta").click()
    expect(screen.locator("#ended-title")).to_have_text("Tack för i dag!")
    for phone in phones.values():
        expect(phone.locator("#ended")).to_be_visible()
    assert api.session(session_id)["status"] == "ended"
