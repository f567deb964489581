"""What the business knows, written as passages the search finds (models.Passage).

FAQ entries, document paragraphs, catalogue items (name, price, availability, description) and
orders are written once, in the business's main language; opening hours, address and contact are
fixed words around the business's data, so they are written in each of its languages, through
gettext, with Babel's day names, times and prices. Passages of a topic (hours, address, contact,
item, order) also hold the words customers ask about it with, in every language the agent serves,
since a customer may ask in one the business does not (text_analysis.topic_words): searched, never shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_time, get_day_names
from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext

from . import text_analysis
from .hours import WEEKDAYS, special_day_sentence
from .locale_format import weekday_date
from .models import Business, CatalogueItem, Document, FaqEntry, Order, Passage

Source = Passage.Source


@dataclass(frozen=True)
class Draft:
    """A passage before it is analysed and stored."""

    source: str
    language: str
    title: str
    body: str
    object_id: int | None = None
    key: str = ""
    keywords: str = ""
    facts: tuple[str, ...] = ()
    customer_id: int | None = None


def business_languages(business: Business) -> tuple[str, ...]:
    """The languages the business serves, its main one first."""
    languages = business.languages or [business.language]
    return tuple(dict.fromkeys(text_analysis.base_language(code) for code in languages))


def babel_locale(language: str) -> str:
    return text_analysis.base_language(language)


def faq_passages(entry: FaqEntry) -> Iterator[Draft]:
    if entry.published:
        language = business_languages(entry.business)[0]
        yield Draft(Source.FAQ, language, entry.question, entry.answer, object_id=entry.pk)


def document_passages(document: Document) -> Iterator[Draft]:
    language = business_languages(document.business)[0]
    paragraphs = [paragraph.strip() for paragraph in document.body.split("\n\n") if paragraph.strip()]
    for number, paragraph in enumerate(paragraphs):
        yield Draft(Source.DOCUMENT, language, document.title, paragraph, object_id=document.pk, key=str(number))


def plain(text: str) -> str:
    """CLDR's no-break spaces as plain ones: a draft repeating a price or a time types plain spaces,
    and grounding compares them word for word."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def price_text(amount: Decimal, currency: str, language: str) -> str:
    return plain(format_currency(amount, currency, locale=babel_locale(language)))


def item_line(item: CatalogueItem, language: str) -> tuple[str, tuple[str, ...]]:
    """The item's price and availability as a sentence in the language, and the facts a reply must carry."""
    with translation.override(language):
        price = price_text(item.price, item.currency, language)
        if item.available:
            return gettext("%(name)s: %(price)s, in stock.") % {"name": item.name, "price": price}, (price,)
        line = gettext("%(name)s: %(price)s, sold out at the moment.") % {"name": item.name, "price": price}
        return line, (gettext("sold out"),)


def item_passages(item: CatalogueItem) -> Iterator[Draft]:
    language = business_languages(item.business)[0]
    line, facts = item_line(item, language)
    body = f"{line}\n{item.description}".strip()
    keywords = text_analysis.topic_words("item")
    yield Draft(Source.ITEM, language, item.name, body, object_id=item.pk, keywords=keywords, facts=facts)


def _spans(intervals: list[list[str]], language: str) -> str:
    locale = babel_locale(language)
    return plain(
        ", ".join(
            f"{format_time(time.fromisoformat(start), 'short', locale=locale)}–"
            f"{format_time(time.fromisoformat(end), 'short', locale=locale)}"
            for start, end in intervals
        )
    )


def hours_passages(business: Business) -> Iterator[Draft]:
    hours = business.opening_hours or {}
    keywords = text_analysis.topic_words("hours")
    for language in business_languages(business):
        day_names = get_day_names("wide", locale=babel_locale(language))
        with translation.override(language):
            for index, day in enumerate(WEEKDAYS):
                name = day_names[index]
                title = gettext("Opening hours on %(day)s") % {"day": name}
                intervals = hours.get(day) or []
                if intervals:
                    spans = _spans(intervals, language)
                    body = gettext("On %(day)s we are open %(hours)s.") % {"day": name, "hours": spans}
                else:
                    spans = gettext("closed")
                    body = gettext("On %(day)s we are closed.") % {"day": name}
                yield Draft(Source.HOURS, language, title, body, key=day, keywords=keywords, facts=(spans,))
    yield from special_days_passages(business)


SPECIAL_DAYS_KEY = "special"


def special_days_passages(business: Business) -> Iterator[Draft]:
    """The coming holidays, closures and special hours as one passage per language ("are you open on bank
    holidays?", "open at Christmas?"); written again whenever a special day changes (signals.py)."""
    today = datetime.now(ZoneInfo(business.timezone)).date()
    special = business.special_hours(today)
    if not special:
        return
    for language in business_languages(business):
        with translation.override(language):
            yield Draft(
                Source.HOURS,
                language,
                gettext("Holidays and special opening days"),
                " ".join(special_day_sentence(day) for day in special.values()),
                key=SPECIAL_DAYS_KEY,
                keywords=f"{text_analysis.topic_words('hours')} {text_analysis.topic_words('holidays')}",
                facts=tuple(weekday_date(day.day) for day in special.values()),
            )


def place_passages(business: Business) -> Iterator[Draft]:
    """The address and the contact details, in each of the business's languages."""
    for language in business_languages(business):
        with translation.override(language):
            if business.address:
                yield Draft(
                    Source.ADDRESS,
                    language,
                    gettext("Address"),
                    gettext("Our address is %(address)s.") % {"address": business.address},
                    keywords=text_analysis.topic_words("address"),
                    facts=(business.address,),
                )
            details = [value for value in (business.phone, business.email) if value]
            if details:
                yield Draft(
                    Source.CONTACT,
                    language,
                    gettext("Contact"),
                    _reach_us(details),
                    keywords=text_analysis.topic_words("contact"),
                    facts=tuple(details),
                )


def _reach_us(details: list[str]) -> str:
    if len(details) == 2:
        return gettext("You can reach us at %(phone)s or %(email)s.") % {"phone": details[0], "email": details[1]}
    return gettext("You can reach us at %(detail)s.") % {"detail": details[0]}


def status_text(status: str) -> str:
    texts: dict[str, str] = {
        Order.Status.RECEIVED: gettext("received"),
        Order.Status.PREPARING: gettext("being prepared"),
        Order.Status.READY: gettext("ready for collection"),
        Order.Status.SHIPPED: gettext("shipped"),
        Order.Status.DELIVERED: gettext("delivered"),
        Order.Status.CANCELLED: gettext("cancelled"),
    }
    return texts.get(status, status)


def compact_reference(reference: str) -> str:
    """An order reference without punctuation, spaces or case: HB-1042, hb 1042 and #HB1042 are hb1042."""
    return "".join(character for character in text_analysis.fold(reference) if character.isalnum())


def order_sentence(order: Order) -> str:
    """The order's status as a sentence in the active language."""
    language = translation.get_language() or business_languages(order.business)[0]
    updated = plain(
        format_datetime(
            order.updated_at, "medium", tzinfo=ZoneInfo(order.business.timezone), locale=babel_locale(language)
        )
    )
    sentence = gettext("Your order %(reference)s is %(status)s (updated %(updated)s).") % {
        "reference": order.reference,
        "status": status_text(order.status),
        "updated": updated,
    }
    if not order.items:
        return sentence
    # What is in it, so that "what's in it again?" and "the helmet I ordered" find the order too.
    items = ", ".join(f"{item.get('quantity', 1)} × {item['name']}" for item in order.items)
    return sentence + " " + gettext("It contains %(items)s.") % {"items": items}


def order_passages(order: Order) -> Iterator[Draft]:
    business, reference = order.business, order.reference
    languages = business_languages(business)
    with translation.override(languages[0]):
        body, status, title = order_sentence(order), status_text(order.status), gettext("Order %(reference)s")
    yield Draft(
        Source.ORDER,
        languages[0],
        title % {"reference": reference},
        body,
        object_id=order.pk,
        keywords=f"{text_analysis.topic_words('order')} {compact_reference(reference)}",
        facts=(status,),
        customer_id=order.customer_id,
    )


def analysed(business: Business, draft: Draft) -> Passage:
    languages = business_languages(business)
    hidden = draft.keywords
    return Passage(
        business=business,
        customer_id=draft.customer_id,
        source=draft.source,
        object_id=draft.object_id,
        key=draft.key,
        language=draft.language,
        title=draft.title[:300],
        body=draft.body,
        facts=list(draft.facts),
        terms=_padded(text_analysis.terms(f"{draft.title} {draft.body} {hidden}", languages)),
        title_terms=_padded(text_analysis.terms(draft.title, languages)),
        topic_terms=_padded(text_analysis.terms(hidden, languages)),
        folded=" ".join(dict.fromkeys(text_analysis.index_words(f"{draft.title} {draft.body} {hidden}"))),
        analysis=text_analysis.fingerprint(),
    )


def _padded(terms: set[str]) -> str:
    return f" {' '.join(sorted(terms))} "
