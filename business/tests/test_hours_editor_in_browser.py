"""The opening hours editor in headless Chromium: a split shift and a holiday added by a staff member."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect, sync_playwright

from business.models import Business, Membership, SpecialDay
from console.tests.test_console_in_browser import PASSWORD, log_in
from tests.support import CHROMIUM, CHROMIUM_ARGS, ROOT

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = ROOT / "docs" / "screenshots"


def test_staff_adds_a_split_shift_and_a_christmas_closure(live_server, business: Business, django_user_model):
    owner = django_user_model.objects.create_user("sam", password=PASSWORD, is_staff=True)
    Membership.objects.create(user=owner, business=business, role=Membership.Role.OWNER)
    page_url = f"{live_server.url}/admin/business/business/{business.pk}/change/"
    # The database is read only before and after the browser: Playwright's event loop in this thread
    # makes Django refuse queries meanwhile.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        log_in(page, f"{live_server.url}/admin/login/?next={page_url.removeprefix(live_server.url)}", "sam")

        monday = page.locator("tr.weekly-hours-day[data-day=mon]")
        second_shift = monday.locator(".weekly-hours-shift").nth(1)
        # A day with a shift shows it and an "Add a shift" button; a closed day its first, greyed, shift.
        expect(page.locator("tr[data-day=sat] .weekly-hours-shift").nth(1)).to_be_hidden()
        expect(page.locator("tr[data-day=sun] .weekly-hours-shift").first).to_be_visible()
        expect(second_shift).to_be_hidden()
        monday.get_by_role("button", name="Add a shift").click()
        expect(second_shift).to_be_visible()
        page.get_by_label("Monday, shift 1: closes").fill("12:30")
        page.get_by_label("Monday, shift 2: opens").fill("14:00")
        page.get_by_label("Monday, shift 2: closes").fill("18:00")
        page.fill("input[name='special_days-0-date']", "2026-12-25")
        page.fill("input[name='special_days-0-label']", "Christmas")
        expect(page.locator("input[name='special_days-0-closed']")).to_be_checked()
        page.locator("fieldset:has(.weekly-hours)").screenshot(path=SCREENSHOTS / "opening-hours-editor.png")
        page.locator("#special_days-group").screenshot(path=SCREENSHOTS / "special-days.png")
        page.locator("input[name=_continue]").click()
        expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
        expect(page.get_by_label("Monday, shift 2: opens")).to_have_value("14:00")
        browser.close()

    business.refresh_from_db()
    assert business.opening_hours["mon"] == [["09:00", "12:30"], ["14:00", "18:00"]]
    christmas = SpecialDay.objects.get(business=business)
    assert (christmas.date, christmas.label, christmas.closed) == (date(2026, 12, 25), "Christmas", True)
