"""A business's own data as one document (profile, hours, special days, FAQ, documents, catalogue,
customers, orders), in and out of Parley.

The file format is documented in the README ("Business files"). Importing a document for an
existing slug updates that business: each section present replaces that part of the business
(its FAQ, documents and catalogue become exactly the file's); customers and orders are matched
by reference and updated, so importing a fresh export of the shop's system keeps them current.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Business, CatalogueItem, Customer, Document, FaqEntry, Order, SpecialDay

PROFILE_FIELDS = ("name", "description", "timezone", "opening_hours", "address", "phone", "email", "languages")
ITEM_FIELDS = ("name", "description", "price", "currency", "available")
CUSTOMER_FIELDS = ("reference", "name", "email", "phone")
SPECIAL_DAY_FIELDS = ("date", "label", "hours")
ORDER_FIELDS = ("reference", "customer", "status", "items", "total", "currency", "updated")


class BusinessFileError(ValueError):
    """The document does not describe a business in Parley's format; the message says where."""


@transaction.atomic
def import_business(document: dict[str, Any]) -> Business:
    business = _import_profile(_section(document, "business", dict))
    if "special_days" in document:  # absent, the special days stay: a file from before them keeps them
        _import_special_days(business, _section(document, "special_days", list))
    _import_faq(business, _section(document, "faq", list, default=[]))
    _import_catalogue(business, _section(document, "catalogue", list, default=[]))
    _import_documents(business, _section(document, "documents", list, default=[]))
    customers = _import_customers(business, _section(document, "customers", list, default=[]))
    for index, entry in enumerate(_section(document, "orders", list, default=[])):
        _import_order(business, customers, entry, f"orders[{index}]")
    return business


def _import_profile(profile: dict[str, Any]) -> Business:
    slug = profile.get("slug")
    if not slug:
        raise BusinessFileError("business.slug is required")
    if "language" in profile and "languages" not in profile:
        # Files written before a business could serve several languages name one.
        profile = {key: value for key, value in profile.items() if key != "language"} | {
            "languages": [profile["language"]]
        }
    unknown = set(profile) - {"slug", *PROFILE_FIELDS}
    if unknown:
        raise BusinessFileError(f"business: unknown fields {sorted(unknown)}")
    business = Business.objects.filter(slug=slug).first() or Business(slug=slug)
    for field in PROFILE_FIELDS:
        if field in profile:
            setattr(business, field, profile[field])
    _validated(business, "business").save()
    return business


def _import_special_days(business: Business, entries: list[Any]) -> None:
    """The file's holidays and special days replace the business's: {date, label}, closed all day, or
    {date, label, hours: [open, close]}."""
    business.special_days.all().delete()
    for index, entry in enumerate(entries):
        where = f"special_days[{index}]"
        if not isinstance(entry, dict) or "date" not in entry or not set(entry) <= set(SPECIAL_DAY_FIELDS):
            raise BusinessFileError(f"{where}: expected date, and optionally label and hours [open, close]")
        hours = entry.get("hours") or []
        try:
            day = entry["date"] if isinstance(entry["date"], date) else date.fromisoformat(str(entry["date"]))
            if hours and (not isinstance(hours, list) or len(hours) != 2):
                raise ValueError(f"hours {hours!r} is not an [open, close] pair")
            opens, closes = (
                (time.fromisoformat(str(hours[0])), time.fromisoformat(str(hours[1]))) if hours else (None, None)
            )
        except ValueError as error:
            raise BusinessFileError(f"{where}: {error}") from error
        special = SpecialDay(
            business=business, date=day, label=entry.get("label", ""), closed=not hours, opens=opens, closes=closes
        )
        _validated(special, where).save()


def _import_faq(business: Business, faq: list[Any]) -> None:
    # Drafts made from customers' words are never in a file: they stay for staff to rewrite.
    kept = _replace_rows(business.faq_entries.filter(published=True), "question", faq, ("question", "answer"), "faq")
    for index, entry in enumerate(faq):
        row = kept.pop(entry["question"], None) or FaqEntry(business=business)
        _validated(_filled(row, entry), f"faq[{index}]").save()


def _import_catalogue(business: Business, catalogue: list[Any]) -> None:
    for index, item in enumerate(catalogue):
        if not isinstance(item, dict) or not set(item) <= set(ITEM_FIELDS) or "name" not in item:
            raise BusinessFileError(f"catalogue[{index}]: expected name and {', '.join(ITEM_FIELDS[1:])}")
    kept = _replace_rows(business.catalogue_items.all(), "name", catalogue, None, "catalogue")
    for index, item in enumerate(catalogue):
        try:
            price = Decimal(str(item.get("price", "")))
        except InvalidOperation as error:
            raise BusinessFileError(f"catalogue[{index}]: price {item.get('price')!r} is not a number") from error
        # Absent fields take the model's defaults, as a new row would.
        row = kept.pop(item["name"], None) or CatalogueItem(business=business)
        defaults = {field: getattr(CatalogueItem(), field) for field in ITEM_FIELDS}
        _validated(_filled(row, {**defaults, **item, "price": price}), f"catalogue[{index}]").save()


def _import_documents(business: Business, documents: list[Any]) -> None:
    kept = _replace_rows(business.documents.all(), "title", documents, ("title", "body"), "documents")
    for index, entry in enumerate(documents):
        row = kept.pop(entry["title"], None) or Document(business=business)
        _validated(_filled(row, entry), f"documents[{index}]").save()


def _replace_rows(
    rows: Any, key: str, entries: list[Any], fields: tuple[str, ...] | None, section: str
) -> dict[str, Any]:
    """The rows whose `key` the file names again, by that key; the others are deleted. A row kept keeps its id,
    which corrections, conversations' subjects and search passages refer to: publishing a draft, or importing a
    fresh export, must not cut those links."""
    if fields is not None:
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or set(entry) != set(fields):
                raise BusinessFileError(f"{section}[{index}]: expected {' and '.join(fields)}")
    named = {entry[key] for entry in entries}
    kept = {getattr(row, key): row for row in rows if getattr(row, key) in named}
    rows.exclude(pk__in=[row.pk for row in kept.values()]).delete()
    return kept


def _filled(row: Any, values: dict[str, Any]) -> Any:
    for field, value in values.items():
        setattr(row, field, value)
    return row


def _import_customers(business: Business, entries: list[Any]) -> dict[str, Customer]:
    """The file's customers, created or updated by reference, by reference for its orders."""
    customers = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("reference") or not set(entry) <= set(CUSTOMER_FIELDS):
            raise BusinessFileError(f"customers[{index}]: expected reference and {', '.join(CUSTOMER_FIELDS[1:])}")
        customer = Customer.objects.filter(business=business, reference=entry["reference"]).first() or Customer(
            business=business
        )
        for field, value in entry.items():
            setattr(customer, field, value)
        _validated(customer, f"customers[{index}]").save()
        customers[customer.reference] = customer
    return customers


def _import_order(business: Business, customers: dict[str, Customer], entry: Any, where: str) -> None:
    if (
        not isinstance(entry, dict)
        or not {"reference", "customer", "updated"} <= set(entry)
        or not set(entry) <= set(ORDER_FIELDS)
    ):
        raise BusinessFileError(
            f"{where}: expected reference, customer, updated and optionally status, items, total, currency"
        )
    customer = (
        customers.get(entry["customer"])
        or Customer.objects.filter(business=business, reference=entry["customer"]).first()
    )
    if customer is None:
        raise BusinessFileError(f"{where}: no customer with reference {entry['customer']!r}")
    try:
        updated = (
            entry["updated"]
            if isinstance(entry["updated"], datetime)
            else datetime.fromisoformat(str(entry["updated"]))
        )
        total = None if entry.get("total") in (None, "") else Decimal(str(entry["total"]))
    except (ValueError, InvalidOperation) as error:
        raise BusinessFileError(f"{where}: {error}") from error
    order = Order.objects.filter(business=business, reference=entry["reference"]).first() or Order(business=business)
    order.reference = entry["reference"]
    order.customer = customer
    order.status = entry.get("status", order.status)
    order.items = entry.get("items", order.items)
    order.total = total
    order.currency = entry.get("currency", order.currency)
    order.updated_at = updated
    _validated(order, where).save()


def export_business(business: Business) -> dict[str, Any]:
    return {
        "business": {"slug": business.slug, **{field: getattr(business, field) for field in PROFILE_FIELDS}},
        "special_days": [_special_day(day) for day in business.special_days.all()],
        "faq": [{"question": e.question, "answer": e.answer} for e in business.faq_entries.filter(published=True)],
        "catalogue": [
            {
                "name": item.name,
                "description": item.description,
                "price": str(item.price),
                "currency": item.currency,
                "available": item.available,
            }
            for item in business.catalogue_items.all()
        ],
        "documents": [{"title": entry.title, "body": entry.body} for entry in business.documents.all()],
        "customers": [
            {field: getattr(customer, field) for field in CUSTOMER_FIELDS}
            for customer in business.customers.exclude(reference="")
        ],
        "orders": [
            {
                "reference": order.reference,
                "customer": order.customer.reference,
                "status": order.status,
                "items": order.items,
                "total": None if order.total is None else str(order.total),
                "currency": order.currency,
                "updated": order.updated_at.isoformat(),
            }
            for order in business.orders.select_related("customer").exclude(customer__reference="")
        ],
    }


def _special_day(day: SpecialDay) -> dict[str, Any]:
    intervals = day.hours().intervals
    return {"date": day.date.isoformat(), "label": day.label} | ({"hours": intervals[0]} if intervals else {})


def _section(document: dict[str, Any], name: str, kind: type, default: Any = None) -> Any:
    if not isinstance(document, dict):
        raise BusinessFileError("the file must hold a mapping with a business section")
    value = document.get(name, default)
    if not isinstance(value, kind):
        raise BusinessFileError(f"{name}: expected a {'mapping' if kind is dict else 'list'}")
    return value


def _validated(instance: Any, where: str) -> Any:
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as error:
        raise BusinessFileError(f"{where}: {'; '.join(error.messages)}") from error
    return instance
