"""People's journeys through the public portal, in a real Chromium, the way a person does them."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.helpers import PHOTO, VOICE_NOTE, exact, walk_steps, words

DESCRIPTION_SW = "Watoto wanabeba magunia ya kobalti kwenye ghala usiku bila vifaa vya kujikinga."


def _file_anonymously(page, t, shoot, files=()):
    """Through the steps by their words, as a person reads them: with files, a voice note recorded and a saved
    photo chosen, and nothing written."""
    page.get_by_role("link", name=t("Make a complaint")).first.click()  # the landing page's button
    expect(page).to_have_url(re.compile(r"/report$"))

    def what(page):
        if files:
            page.get_by_label(t("Record a voice note")).set_input_files(VOICE_NOTE)
            page.get_by_label(t("Choose a file")).set_input_files([PHOTO])
        else:
            page.get_by_label(t("Describe what happened")).fill(DESCRIPTION_SW)

    def where(page):
        page.get_by_label(exact(t("Country"))).select_option("CD")
        page.get_by_label(t("Cobalt")).check()

    walk_steps(
        page,
        {
            "who": lambda page: page.get_by_label(t("I am affected myself")).check(),
            "what": what,
            "kind": lambda page: page.get_by_label(t("Child labour")).check(),
            "where": where,
            "wish": lambda page: page.get_by_label(exact(t("Children are involved"))).check(),
            "contact": lambda page: expect(page.get_by_label(t("Yes, stay anonymous"))).to_be_checked(),
        },
        shoot,
    )
    page.get_by_label(
        t("I agree that the committee and its office use what I send, as the privacy page explains.")
    ).check()
    shoot(page, "check")
    page.get_by_role("button", name=t("Send my complaint")).click()
    receipt = page.locator(".receipt").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", receipt)
    shoot(page, "receipt")
    return receipt


def test_worker_files_in_swahili_on_a_phone_without_javascript(browser, live_server, shoot):
    t = words(live_server.app, "sw")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sw/")
    shoot(page, "landing")
    receipt = _file_anonymously(page, t, shoot, files=[VOICE_NOTE, PHOTO])
    context.close()

    # Later, on a new browser (or after clearing everything), the worker comes back with the written-down receipt.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/sw/follow-up")
    page.get_by_label(t("Your 16-digit receipt")).fill(receipt)
    page.get_by_role("button", name=t("Open my case")).click()
    expect(page.get_by_text(t("Received"), exact=True)).to_be_visible()
    shoot(page, "case")
    page.get_by_label(t("Your message")).fill("Nina picha zaidi za ghala.")
    page.get_by_role("button", name=t("Send message")).click()
    expect(page.get_by_text("Nina picha zaidi za ghala.")).to_be_visible()
    shoot(page, "replied")
    page.get_by_role("button", name=t("Sign out of this case")).click()
    expect(page).to_have_url(f"{live_server.url}/sw/")
    page.goto(f"{live_server.url}/sw/follow-up/case")
    expect(page).to_have_url(f"{live_server.url}/sw/follow-up")  # the case is closed to this browser now
    context.close()


def test_arabic_form_reads_right_to_left(browser, live_server, shoot):
    t = words(live_server.app, "ar")
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/ar/report/what")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    description_label = page.locator("label[for=description]").bounding_box()
    description = page.get_by_label(t("Describe what happened")).bounding_box()
    # The label starts at the right edge of its field, where an Arabic reader starts.
    assert abs((description_label["x"] + description_label["width"]) - (description["x"] + description["width"])) < 2
    assert description_label["x"] > description["x"]
    page.goto(f"{live_server.url}/ar/report/kind")
    box = page.locator("#categories-0").bounding_box()
    label = page.locator("label[for=categories-0]").bounding_box()
    assert box["x"] > label["x"]  # the tick box stands to the right of its words
    page.goto(f"{live_server.url}/ar/")
    receipt = _file_anonymously(page, t, shoot)
    assert re.fullmatch(r"[\d ]{19}", receipt)
    context.close()


def test_ngo_files_for_forty_people_in_french_on_a_desktop(browser, live_server, shoot):
    t = words(live_server.app, "fr")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/fr/report")

    def group(page):
        page.get_by_label(t("On behalf of how many people?")).fill("40")
        page.get_by_label(t("How many households? (optional)")).fill("12")
        page.get_by_label(t("Name of the community or group (optional)")).fill("Communauté de Kasulo")
        page.get_by_label(t("No document? Tell us how the people agreed that you speak for them")).fill(
            "Réunion du 3 mai : les quarante familles ont levé la main."
        )

    def kind(page):
        page.get_by_label(t("Land and livelihoods")).check()
        page.get_by_label(t("Environment and pollution")).check()

    def what(page):
        page.get_by_label(t("Describe what happened")).fill(
            "Quarante familles de Boké ont perdu leurs champs sans consultation ni compensation."
        )

    def where(page):
        page.get_by_label(exact(t("Country"))).select_option(label="Guinée")
        page.get_by_label(t("Region, town or village")).fill("Boké")
        page.get_by_label(t("Aluminium or bauxite")).check()
        page.get_by_label(t("It is still going on")).check()

    walked = walk_steps(
        page,
        {
            "who": lambda page: page.get_by_label(t("I file on behalf of other people")).check(),
            "group": group,
            "what": what,
            "kind": kind,
            "where": where,
        },
    )
    assert walked == ["who", "group", "what", "kind", "where", "wish", "contact"]  # no contact details: anonymous
    page.get_by_label(
        t("I agree that the committee and its office use what I send, as the privacy page explains.")
    ).check()
    page.get_by_role("button", name=t("Send my complaint")).click()
    expect(page.locator(".reference")).to_have_text(re.compile(r"MC-\d{4}-\d{5}"))
    shoot(page, "receipt")
    context.close()


def test_errors_are_shown_beside_their_fields_and_nothing_typed_is_lost(browser, live_server):
    t = words(live_server.app, "sw")
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/sw/report/what")
    page.get_by_label(t("Describe what happened")).fill("Kidogo sana.")
    page.locator("main form button.button-primary").click()
    expect(page.locator("#description-error")).to_contain_text(t("Please write a little more: at least 30 letters."))
    expect(page.get_by_label(t("Describe what happened"))).to_have_value("Kidogo sana.")
    page.close()


def test_intake_form_can_be_completed_with_the_keyboard_alone(browser, live_server):
    """Tab to each question, Space to tick, type, Enter on the button: every step, then the check page."""
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}/en/report")
    filled = set()
    for _ in range(8):  # six steps, the check page, the receipt
        if page.locator(".receipt").count():
            break
        page.locator("body").focus()
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement; return {tag: e.tagName, type: e.type || '',"
                " name: e.name || '', cls: e.className || ''} }"
            )
            name = focused["name"]
            if focused["tag"] == "BUTTON" and "button-primary" in focused["cls"]:
                page.keyboard.press("Enter")
                break
            if name in filled:
                continue
            if (name in {"filer_type", "commodity"} and focused["type"] == "radio") or name in {
                "categories",
                "consent",
            }:
                page.keyboard.press("Space")
            elif name == "description":
                page.keyboard.type("Guards at the nickel smelter beat a worker who asked for his wages.")
            elif name == "country":
                page.keyboard.type("Indonesia")
            else:
                continue
            filled.add(name)
        page.wait_for_load_state()
    expect(page.locator(".receipt")).to_be_visible()
    assert {"filer_type", "categories", "description", "country", "commodity", "consent"} <= filled
    page.close()
