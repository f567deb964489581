"""A business's own data as one document (profile, hours, FAQ, catalogue), in and out of Parley.

The file format is documented in the README ("Business files"). Importing a document for an
existing slug updates that business: its FAQ and catalogue become exactly the document's.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Business, CatalogueItem, FaqEntry

PROFILE_FIELDS = ("name", "description", "timezone", "opening_hours", "address", "phone", "email", "language")
ITEM_FIELDS = ("name", "description", "price", "currency", "available")


class BusinessFileError(ValueError):
    """The document does not describe a business in Parley's format; the message says where."""


@transaction.atomic
def import_business(document: dict[str, Any]) -> Business:
    profile = _section(document, "business", dict)
    slug = profile.get("slug")
    if not slug:
        raise BusinessFileError("business.slug is required")
    unknown = set(profile) - {"slug", *PROFILE_FIELDS}
    if unknown:
        raise BusinessFileError(f"business: unknown fields {sorted(unknown)}")
    business = Business.objects.filter(slug=slug).first() or Business(slug=slug)
    for field in PROFILE_FIELDS:
        if field in profile:
            setattr(business, field, profile[field])
    _validated(business, "business").save()

    faq = _section(document, "faq", list, default=[])
    business.faq_entries.all().delete()
    for index, entry in enumerate(faq):
        if not isinstance(entry, dict) or set(entry) != {"question", "answer"}:
            raise BusinessFileError(f"faq[{index}]: expected question and answer")
        _validated(FaqEntry(business=business, **entry), f"faq[{index}]").save()

    catalogue = _section(document, "catalogue", list, default=[])
    business.catalogue_items.all().delete()
    for index, item in enumerate(catalogue):
        if not isinstance(item, dict) or not set(item) <= set(ITEM_FIELDS) or "name" not in item:
            raise BusinessFileError(f"catalogue[{index}]: expected name and {', '.join(ITEM_FIELDS[1:])}")
        try:
            price = Decimal(str(item.get("price", "")))
        except InvalidOperation as error:
            raise BusinessFileError(f"catalogue[{index}]: price {item.get('price')!r} is not a number") from error
        _validated(CatalogueItem(business=business, **{**item, "price": price}), f"catalogue[{index}]").save()
    return business


def export_business(business: Business) -> dict[str, Any]:
    return {
        "business": {"slug": business.slug, **{field: getattr(business, field) for field in PROFILE_FIELDS}},
        "faq": [{"question": entry.question, "answer": entry.answer} for entry in business.faq_entries.all()],
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
    }


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
