"""Prices typed in the admin are read as the business's language writes them, and a big change is asked twice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from business.admin import CatalogueItemForm
from business.models import Business, CatalogueItem, Customer, Order

from .admin_pages import page_data

pytestmark = pytest.mark.django_db


def speaking(business: Business, language: str) -> Business:
    # An update, not a save: a save of new languages rewrites the search index, which these tests do not need.
    Business.objects.filter(pk=business.pk).update(languages=[language])
    return Business.objects.get(pk=business.pk)


def add_item(client, business: Business, price: str):
    url = reverse("admin:business_catalogueitem_add")
    return client.post(url, {"business": business.pk, "name": "Croissant", "price": price, "currency": "EUR"})


def change_item(client, item: CatalogueItem, **changes: str):
    url = reverse("admin:business_catalogueitem_change", args=[item.pk])
    return client.post(url, page_data(client.get(url)) | changes)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_french_or_german_price_with_a_comma_is_read_as_decimals(staff_client, business, language):
    assert add_item(staff_client, speaking(business, language), "1,60").status_code == 302
    assert CatalogueItem.objects.get(name="Croissant").price == Decimal("1.60")


def test_french_thousands_typed_with_a_plain_space_are_read(staff_client, business):
    assert add_item(staff_client, speaking(business, "fr"), "1 234,50").status_code == 302
    assert CatalogueItem.objects.get(name="Croissant").price == Decimal("1234.50")


def test_a_comma_price_on_an_english_business_is_refused_not_multiplied(staff_client, business):
    page = add_item(staff_client, speaking(business, "en"), "1,60")
    assert page.status_code == 200
    assert "“1,60” is not a price written in English: type it like 12.50." in page.content.decode()
    assert not CatalogueItem.objects.filter(name="Croissant").exists()


def test_words_in_the_price_are_refused_with_the_businesss_way_of_writing_it(staff_client, business):
    page = add_item(staff_client, speaking(business, "de"), "zwei Euro")
    assert "“zwei Euro” is not a price written in German: type it like 12,50." in page.content.decode()


def test_the_refusal_is_in_the_readers_language(business):
    data = {"business": speaking(business, "en").pk, "name": "Pain", "price": "1,60", "currency": "EUR"}
    form = CatalogueItemForm(data)
    with translation.override("fr"):
        assert form.errors["price"] == ["« 1,60 » n'est pas un prix écrit en anglais : tapez-le comme 12.50."]


def test_the_change_page_shows_the_price_as_the_business_writes_it(staff_client, business):
    item = CatalogueItem.objects.create(business=speaking(business, "fr"), name="Baguette", price=Decimal("1.60"))
    html = staff_client.get(reverse("admin:business_catalogueitem_change", args=[item.pk])).content.decode()
    assert 'name="price" value="1,60"' in html and 'inputmode="decimal"' in html


def test_a_price_ten_times_the_old_one_is_asked_again_and_saved_when_confirmed(staff_client, business):
    item = CatalogueItem.objects.create(business=speaking(business, "fr"), name="Baguette", price=Decimal("1.60"))
    page = change_item(staff_client, item, price="16,00")
    html = page.content.decode()
    assert page.status_code == 200 and "more than five times up or down" in html
    assert 'name="price_confirm"' in html
    item.refresh_from_db()
    assert item.price == Decimal("1.60")
    assert change_item(staff_client, item, price="16,00", price_confirm="on").status_code == 302
    item.refresh_from_db()
    assert item.price == Decimal("16.00")


def test_a_price_cut_to_a_tenth_is_asked_again_but_a_small_change_is_not(staff_client, business):
    item = CatalogueItem.objects.create(business=speaking(business, "fr"), name="Baguette", price=Decimal("1.60"))
    assert "more than five times" in change_item(staff_client, item, price="0,10").content.decode()
    assert change_item(staff_client, item, price="1,90").status_code == 302
    item.refresh_from_db()
    assert item.price == Decimal("1.90")


def test_the_catalogue_inline_on_the_business_page_reads_the_businesss_locale(staff_client, business):
    business = speaking(business, "fr")
    item = CatalogueItem.objects.create(business=business, name="Baguette", price=Decimal("1.20"))
    url = reverse("admin:business_business_change", args=[business.pk])
    data = page_data(staff_client.get(url))
    row = next(key.removesuffix("-id") for key, value in data.items() if key.endswith("-id") and value == item.pk)
    assert data[f"{row}-price"] == "1,20"
    assert staff_client.post(url, data | {f"{row}-price": "1,60"}).status_code == 302
    item.refresh_from_db()
    assert item.price == Decimal("1.60")
    page = staff_client.post(url, data | {f"{row}-price": "16,00"})
    assert "more than five times up or down" in page.content.decode()
    assert f'name="{row}-price_confirm"' in page.content.decode()
    assert staff_client.post(url, data | {f"{row}-price": "16,00", f"{row}-price_confirm": "on"}).status_code == 302
    item.refresh_from_db()
    assert item.price == Decimal("16.00")


def test_an_orders_total_is_read_in_the_businesss_locale_and_may_stay_empty(staff_client, business):
    business = speaking(business, "it")
    customer = Customer.objects.create(business=business, name="Lia")
    url = reverse("admin:business_order_add")
    form = {
        "business": business.pk, "reference": "A-1", "customer": customer.pk, "status": "received",
        "items": "[]", "currency": "EUR", "updated_at_0": "2026-12-01", "updated_at_1": "10:00:00",
    }  # fmt: skip
    assert staff_client.post(url, form | {"total": "12,50"}).status_code == 302
    assert Order.objects.get(reference="A-1").total == Decimal("12.50")
    assert staff_client.post(url, form | {"reference": "A-2", "total": ""}).status_code == 302
    assert Order.objects.get(reference="A-2").total is None
