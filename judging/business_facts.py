"""What a business's data holds, as the judge reads replies against it."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from business.models import Business

from .facts import KnownFacts, known_facts


def facts_of(business: Business) -> KnownFacts:
    """Every price, time and order status the business's data holds, as the judge compares them."""
    zone = ZoneInfo(business.timezone)
    texts = [business.description, business.address, business.phone]
    texts += [f"{entry.question} {entry.answer}" for entry in business.faq_entries.all()]
    texts += [f"{entry.title} {entry.body}" for entry in business.documents.all()]
    # Amounts with their currency, so that 1.30 reads as a price, not as the time 01:30.
    texts += [f"{item.name} {item.description} {item.price} {item.currency}" for item in business.catalogue_items.all()]
    orders = list(business.orders.all())
    texts += [
        f"{f'{order.total} {order.currency}' if order.total else ''} {order.updated_at.astimezone(zone):%H:%M} "
        f"{order.items}"
        for order in orders
    ]
    times = {time for ranges in (business.opening_hours or {}).values() for pair in ranges for time in pair}
    statuses = {order.reference: order.status for order in orders}
    return known_facts(texts, times, statuses, business.opening_hours or {})


def names_of(business: Business) -> tuple[str, ...]:
    """What the business calls itself, where it is and what it sells: the same in every reply language."""
    own = [business.name, business.address, *business.catalogue_items.values_list("name", flat=True)]
    return tuple(name for name in own if name)
