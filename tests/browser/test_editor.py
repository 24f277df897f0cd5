"""The module editor in real Chromium: a leader builds a five-step dialogue from scratch with
the form, reorders steps by keyboard and by pointer drag, previews steps with the phone's own
step forms (answering them sends nothing), meets a validation error and fixes it, saves, and
starts a live session of the new module; axe-core finds nothing on the authoring list and the
editor (with the error summary or a preview shown), at 320 px too."""

import re

from playwright.sync_api import Page, expect

from .conftest import NARROW, check_axe, check_page, save_screenshot, tab_to


def add_step(page: Page, kind: str, prompt: str) -> int:
    """Add a step of ``kind`` at the end of the first part with the form; returns its index.
    The focus lands in the new step's first text field, which gets ``prompt``."""
    page.get_by_label("Slag av steg").select_option(kind)
    page.get_by_role("button", name="Lägg till steg").click()
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("id", re.compile(r"^f-parts-0-steps-\d+-(prompt|title)-sv$"))
    focused.fill(prompt)
    return int(re.search(r"steps-(\d+)", focused.get_attribute("id")).group(1))


def headings(page: Page) -> list[str]:
    return page.locator(".editor-step h4").all_inner_texts()


def test_a_leader_builds_reorders_previews_fixes_saves_and_runs_a_module(served, leader):
    page = leader().new_page()
    page.goto(served.base + "/authoring")
    check_axe(page, "the authoring list")

    page.get_by_label("Titel").fill("Beredskapskväll i byn")
    page.get_by_role("button", name="Skapa modul").click()
    page.wait_for_url(re.compile(r"/authoring/beredskapskvall-i-byn(-\d+)?/edit$"))
    module_id = re.search(r"/authoring/([^/]+)/edit", page.url).group(1)

    # The new module starts with one info step; four more of other kinds make five.
    page.locator("#f-parts-0-steps-0-body-sv").fill("Ikväll pratar vi om beredskap.")
    poll = add_step(page, "poll", "Har du en krislåda hemma?")
    page.locator(f"#f-parts-0-steps-{poll}-options-0-text-sv").fill("Ja")
    page.locator(f"#f-parts-0-steps-{poll}-options-1-text-sv").fill("Nej")
    page.locator(f"#step-0-{poll} .editor-tags summary").click()  # the tags fold out
    page.locator(f"#step-0-{poll}").get_by_label("Civil beredskap").check()
    add_step(page, "scale", "Hur väl förberedd är byn?")
    add_step(page, "open", "Vad behöver byn mest?")
    statements = add_step(page, "statements", "Håller du med?")
    page.locator(f"#f-parts-0-steps-{statements}-statements-0-text-sv").fill(
        "Varje by behöver en samlingslokal med reservkraft."
    )
    assert [h.split(": ")[1] for h in headings(page)] == [
        "Information",
        "Omröstning",
        "Skala",
        "Öppen fråga",
        "Påståenden",
    ]

    # Keyboard: Tab to "move down" of the open question and press Enter; the move is announced.
    page.locator("#f-parts-0-steps-2-prompt-sv").focus()
    tab_to(page, "#down-0-3")
    page.keyboard.press("Enter")
    expect(page.locator("#editor-status")).to_have_text("Flyttat till plats 5 av 5.")
    assert headings(page)[4].endswith("Öppen fråga")
    assert page.evaluate("() => document.activeElement.id") == "preview-0-4"
    page.keyboard.press("Shift+Tab")  # "move down" of the last step is disabled: skipped
    assert page.evaluate("() => document.activeElement.id") == "up-0-4"
    page.keyboard.press("Enter")
    expect(page.locator("#editor-status")).to_have_text("Flyttat till plats 4 av 5.")
    assert headings(page)[3].endswith("Öppen fråga")

    # Pointer: drag the statements step (last) onto the poll (second).
    page.drag_and_drop("#handle-0-4", "#step-0-1")
    expect(page.locator("#editor-status")).to_have_text("Flyttat till plats 2 av 5.")
    assert [h.split(": ")[1] for h in headings(page)] == [
        "Information",
        "Påståenden",
        "Omröstning",
        "Skala",
        "Öppen fråga",
    ]

    # Preview the poll as a phone shows it: drawn by the phone's own step forms (the hint and
    # the one-tap answer are theirs), answering open, and nothing leaves the browser.
    sockets, requests = [], []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.locator("#preview-0-2").click()
    preview = page.locator("#preview")
    expect(preview).to_be_visible()
    expect(page.locator("#preview-heading")).to_be_focused()
    expect(preview.get_by_role("heading", name="Har du en krislåda hemma?")).to_be_visible()
    expect(preview.locator("#choice-hint")).to_contain_text("svaret skickas direkt")
    expect(preview.get_by_role("radio")).to_have_count(2)
    expect(preview.get_by_role("button", name="Skicka svar")).to_have_count(0)  # one tap
    save_screenshot(page, "editor-preview")
    page.on("request", lambda request: requests.append(request))
    preview.get_by_role("radio", name="Ja").check()
    expect(page.locator("#preview-sent")).to_have_text("I förhandsvisningen skickas inget.")
    expect(preview.get_by_role("alert")).to_have_text("")
    check_axe(page, "the editor with a step previewed")
    page.locator("#preview-close").click()
    expect(preview).to_be_hidden()
    expect(page.locator("#preview-0-2")).to_be_focused()

    # The scale: a radio button per number, the hint of the phone.
    page.locator("#preview-0-3").click()
    expect(preview.locator(".scale-number")).to_have_text(["1", "2", "3", "4", "5"])
    expect(preview.locator("#scale-hint")).to_have_text("Välj ett tal från 1 till 5.")
    page.locator("#preview-close").click()

    # The statements: reacting and proposing one's own only say that nothing is sent.
    page.locator("#preview-0-1").click()
    statement = preview.get_by_role("button", name=re.compile("^Håller med"))
    expect(statement).to_have_count(1)
    statement.click()
    expect(page.locator("#preview-sent")).to_have_text("I förhandsvisningen skickas inget.")
    page.locator("#preview-sent").evaluate("(node) => { node.textContent = ''; }")
    preview.get_by_label("Ditt påstående").fill("Byn behöver en egen brandbil.")
    preview.get_by_role("button", name="Skicka förslaget").click()
    expect(page.locator("#preview-sent")).to_have_text("I förhandsvisningen skickas inget.")
    page.locator("#preview-close").click()
    expect(page.locator("#preview-0-1")).to_be_focused()
    # Only the previews were asked for; no socket was opened, no answer or proposal sent.
    assert {r.url.split("/")[-1] for r in requests} == {"preview"}
    assert sockets == []

    # Empty the poll's Swedish text: saving is refused and the form says where and what.
    # A preview meets the same problem first: no preview, the error summary instead.
    field = page.locator("#f-parts-0-steps-2-prompt-sv")
    field.fill("")
    page.locator("#preview-0-2").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Svensk text saknas")
    expect(preview).to_be_hidden()
    page.get_by_role("button", name="Spara").click()
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Svensk text saknas")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby")
    expect(page.locator(f"#{described}")).to_have_text(
        "Svensk text saknas. Svenska måste alltid finnas."
    )
    check_axe(page, "the editor with an error summary")
    summary.get_by_role("link").first.click()
    expect(field).to_be_focused()
    field.fill("Har du en krislåda hemma?")
    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#save-status")).to_have_text("Sparat.")
    expect(summary).to_be_hidden()
    expect(field).not_to_have_attribute("aria-invalid", "true")
    check_page(page, "editor")

    # The saved order is what the module library offers, and a session of it starts.
    page.reload()
    expect(page.locator(".editor-step h4")).to_have_count(5)  # drawn once the kinds are loaded
    assert headings(page)[1].endswith("Påståenden")
    page.get_by_role("link", name="Kör modulen").click()
    page.locator(f"#start-{module_id}-del-1").click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    # The console names the part once connected; its controls are there either way.
    expect(page.get_by_role("heading", name="Styrning")).to_be_visible()


def test_the_editor_fits_a_narrow_phone(served, leader):
    page = leader(viewport=NARROW).new_page()
    page.goto(served.base + "/authoring")
    page.get_by_label("Titel").fill("Smal skärm")
    page.get_by_role("button", name="Skapa modul").click()
    page.wait_for_url(re.compile(r"/edit$"))
    expect(page.locator(".editor-step")).to_have_count(1)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    check_axe(page, "the editor at 320 px")

    # The preview of a scale of 1 to 10 with labels at both ends fits too.
    step = add_step(page, "scale", "Hur trygg känner du dig i byn en vinterkväll utan ström?")
    page.locator(f"#f-parts-0-steps-{step}-max").fill("10")
    page.locator(f"#f-parts-0-steps-{step}-min_label-sv").fill("Inte alls trygg")
    page.locator(f"#f-parts-0-steps-{step}-max_label-sv").fill("Helt trygg")
    page.locator(f"#preview-0-{step}").click()
    expect(page.locator("#preview .scale-number")).to_have_count(10)
    expect(page.locator("#preview .scale-ends")).to_contain_text("10 – Helt trygg")
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    save_screenshot(page, "editor-preview--narrow")
    check_axe(page, "the editor's preview at 320 px")


def test_a_leader_adds_a_points_step_with_its_own_budget(served, leader):
    """The points kind's own editor fields (static/js/kinds/points.js): options and a budget,
    previewed as the phone shows it, saved and read back."""
    page = leader().new_page()
    page.goto(served.base + "/authoring")
    page.get_by_label("Titel").fill("Poäng i byn")
    page.get_by_role("button", name="Skapa modul").click()
    page.wait_for_url(re.compile(r"/edit$"))
    step = add_step(page, "points", "Fördela poängen mellan byns behov.")
    page.locator(f"#f-parts-0-steps-{step}-options-0-text-sv").fill("Skolan")
    page.locator(f"#f-parts-0-steps-{step}-options-1-text-sv").fill("Bussen")
    budget = page.locator(f"#f-parts-0-steps-{step}-budget")
    expect(budget).to_have_value("100")
    budget.fill("20")
    check_axe(page, "the editor with a points step")

    page.locator(f"#preview-0-{step}").click()
    preview = page.locator("#preview")
    expect(preview.locator(".points-input")).to_have_count(2)
    expect(preview.locator(".points-left")).to_have_text("Kvar att fördela: 20 av 20 poäng.")
    page.locator("#preview-close").click()

    page.get_by_role("button", name="Spara").click()
    expect(page.locator("#save-status")).to_have_text("Sparat.")
    page.reload()
    expect(page.locator(f"#f-parts-0-steps-{step}-budget")).to_have_value("20")
    expect(page.locator(f"#f-parts-0-steps-{step}-options-1-text-sv")).to_have_value("Bussen")
