"""A staff member types into the admin's business pages in headless Chromium, against the live server."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from business.models import Business, CatalogueItem, Membership
from console.tests.test_console_in_browser import PASSWORD, log_in
from tests.support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(business: Business, django_user_model):
    user = django_user_model.objects.create_user("sam", "sam@shop.example", PASSWORD, is_staff=True)
    Membership.objects.create(user=user, business=business, role=Membership.Role.OWNER)
    return user


def as_owner(url: str, steps, width: int = 1200, height: int = 820) -> None:
    """`steps` done on the admin page at `url` after logging in. Read the database only after this returns:
    Playwright's event loop in this thread makes Django refuse queries meanwhile."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height}, locale="en-US")
        log_in(page, f"{url.split('/admin/')[0]}/admin/login/?next=/admin/{url.split('/admin/')[1]}", "sam")
        steps(page)
        browser.close()


def test_a_french_shop_types_1_60_in_an_english_browser_and_gets_1_60(live_server, business, owner):
    Business.objects.filter(pk=business.pk).update(languages=["fr"])

    def add_a_croissant(page: Page) -> None:
        page.fill("#id_name", "Croissant")
        page.locator("#id_price").press_sequentially("1,60")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    as_owner(f"{live_server.url}/admin/business/catalogueitem/add/", add_a_croissant)
    assert CatalogueItem.objects.get(name="Croissant").price == Decimal("1.60")


def test_the_business_page_fits_a_1366_pixel_screen(live_server, business, owner):
    CatalogueItem.objects.create(
        business=business, name="Sourdough loaf", description="Long-fermented, baked every morning.", price="4.20"
    )
    seen: dict[str, object] = {}

    def look(page: Page) -> None:
        delete = page.locator("#catalogue_items-group input[name$='-DELETE']").first
        seen["widths"] = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        seen["delete in view"] = delete.evaluate(
            "box => box.getBoundingClientRect().right <= document.documentElement.clientWidth"
        )
        page.locator("#catalogue_items-group").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / "admin-business.png", full_page=True)

    as_owner(f"{live_server.url}/admin/business/business/{business.pk}/change/", look, width=1366, height=768)
    scroll_width, client_width = seen["widths"]
    assert scroll_width <= client_width and seen["delete in view"]
