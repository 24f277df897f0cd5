"""The points kind in real Chromium: a phone distributes 100 points over the four focus areas by
keyboard alone (number fields and − / + buttons, the points left said in a polite live region),
and the big screen and the console show the totals as bars with their numbers in words."""

from playwright.sync_api import expect

from .conftest import check_axe, save_screenshot, tab_to
from .test_room import PHONE, join

PART = ("strategiskt-forum", "fokusomraden")
STEP = "fokusomraden-poang"


def test_a_phone_distributes_the_points_by_keyboard(served, api, new_context, leader):
    created = api.create(*PART)
    screen = leader().new_page()
    screen.goto(f"{served.base}/sessions/{created['id']}/screen")
    expect(screen.locator("#connection")).to_have_attribute("data-state", "connected")
    phone = join(new_context, created, "Aino", viewport=PHONE)
    api.control(created["id"], "start")
    api.control(created["id"], "goto", STEP)

    left = phone.locator(".points-left")
    expect(phone.locator(".points-input")).to_have_count(4)
    expect(left).to_have_attribute("aria-live", "polite")
    expect(left).to_have_text("Kvar att fördela: 100 av 100 poäng.")
    check_axe(phone, "the points form")

    # Sent before every point is given: refused on the phone, nothing stored.
    tab_to(phone, ".points-form button[type=submit]")
    phone.keyboard.press("Enter")
    expect(phone.locator("#alert")).to_have_text("Fördela precis 100 poäng innan du skickar.")
    assert api.results(created["id"]).get(STEP, {}).get("responses", 0) == 0

    # 40 typed into the first field; +5 six times for the second; 30 typed into the third.
    phone.locator(".points-input").first.focus()
    phone.keyboard.press("Control+A")
    phone.keyboard.type("40")
    expect(left).to_have_text("Kvar att fördela: 60 av 100 poäng.")
    tab_to(phone, ".points-more >> nth=1")
    expect(phone.locator(".points-more").nth(1)).to_have_accessible_name(
        "Fler poäng till Hälsofrämjande insatser för en bättre och jämlik folkhälsa"
    )
    for _ in range(6):
        phone.keyboard.press("Space")
    expect(phone.locator(".points-input").nth(1)).to_have_value("30")
    expect(left).to_have_text("Kvar att fördela: 30 av 100 poäng.")
    tab_to(phone, ".points-input >> nth=2")
    phone.keyboard.press("Control+A")
    phone.keyboard.type("35")
    expect(left).to_have_text("5 poäng för mycket: ta bort några.")
    phone.keyboard.press("ArrowDown")  # the number field steps by one
    for _ in range(4):
        phone.keyboard.press("ArrowDown")
    expect(left).to_have_text("Kvar att fördela: 0 av 100 poäng.")
    tab_to(phone, ".points-form button[type=submit]")
    phone.keyboard.press("Enter")
    expect(phone.locator("#status")).to_have_text("Svar mottaget")
    expect(phone.locator(".own-answer")).to_contain_text("Civil beredskap: 30")
    save_screenshot(phone, "points-phone-answered")

    results = api.results(created["id"])[STEP]
    assert results["responses"] == 1
    totals = results["results"]["totals"]
    assert totals == {"rus": 40, "folkhalsa": 30, "beredskap": 30, "finansiering": 0}

    # The room sees the totals grow as bars, each with its number in words.
    bars = screen.locator("#screen-results .bar-row")
    expect(bars).to_have_count(4)
    expect(bars.first).to_contain_text("Framtagande av Regional utvecklingsstrategi")
    expect(bars.first).to_contain_text("40 poäng, i medel 40")
    save_screenshot(screen, "points-screen")
    check_axe(screen, "the points results on the big screen")
