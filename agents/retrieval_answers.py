"""What the search found, as a reply: the sentences that answer each part of the question, or the customer's order.

Built from the business's data alone, so it can always be sent; the model may phrase it better when
its draft carries the same facts (grounding.py).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.translation import gettext, ngettext

from business import passages
from business.models import CatalogueItem, Order, Passage
from business.search import Match

# An order in one of these states is over: not what "my order" means.
FINISHED = (Order.Status.DELIVERED, Order.Status.CANCELLED)


@dataclass(frozen=True)
class Reply:
    # What the model reads; the reply made of the data alone; what a reply must carry word for word.
    content: str
    answer: str
    facts: tuple[str, ...]
    # What the customer is asked to choose from, in order ("the second one").
    options: tuple[str, ...] = ()
    # For a compound question, the facts of each part: a reply carries one of each.
    parts: tuple[tuple[str, ...], ...] = ()


def from_matches(groups: list[list[Match]], orders: list[Order], question: str) -> Reply:
    """The reply to a question from the passages that answer each of its parts."""
    if groups[0][0].passage.source == Passage.Source.ORDER:
        order_reply = _about_an_order(groups[0], orders, question)
        if order_reply is not None:
            return order_reply
    language = translation.get_language() or ""
    answered = [[in_language(match, language) for match in group] for group in groups]
    matches = [match for group in answered for match in group]
    part_facts = tuple(tuple(fact for match in group for fact in _facts(match)) for group in answered)
    return Reply(
        content="\n".join(_read(match) for match in matches),
        answer=" ".join(" ".join(match.sentences) for match in matches),
        facts=tuple(fact for facts in part_facts for fact in facts),
        options=tuple(match.passage.title for match in groups[-1]) if len(groups[-1]) > 1 else (),
        parts=part_facts if len(part_facts) > 1 else (),
    )


def in_language(match: Match, language: str) -> Match:
    """The match as the reply's language writes it: the business's own words (FAQ, documents, product names and
    descriptions) stay as written, quoted in a sentence of that language; the sentences Parley wrote around
    them are taken in that language."""
    passage = match.passage
    if passage.language == language or not language:
        return match
    if passage.source in (Passage.Source.FAQ, Passage.Source.DOCUMENT):
        quoted = copy.copy(passage)
        quoted.facts = list(_facts(match))
        answer = gettext("Here is our answer: “%(text)s”") % {"text": " ".join(match.sentences)}
        return replace(match, passage=quoted, sentences=(answer,))
    if passage.source == Passage.Source.ITEM:
        item = CatalogueItem.objects.filter(pk=passage.object_id or 0).first()
        if item is None:
            return match
        indexed, _ = passages.item_line(item, passage.language)
        line, facts = passages.item_line(item, language)
        described = " ".join(sentence for sentence in match.sentences if sentence != indexed)
        sheet = gettext("This is what our product sheet says about it: “%(description)s”")
        sentences = (line, sheet % {"description": described}) if described else (line,)
        translated = copy.copy(passage)
        translated.facts = list(facts)
        return replace(match, passage=translated, sentences=sentences)
    sibling = Passage.objects.filter(
        business_id=passage.business_id, source=passage.source, key=passage.key, language=language
    ).first()
    return match if sibling is None else replace(match, passage=sibling, sentences=(sibling.body,))


def _facts(match: Match) -> tuple[str, ...]:
    """What a reply must carry: the passage's facts that the chosen sentences hold ("£949.00" only when
    the price line is among them; the description's "8.4 kg" sentence when only it answers), else the sentences."""
    held = tuple(fact for fact in match.passage.facts if any(fact in sentence for sentence in match.sentences))
    return held or match.sentences


def _read(match: Match) -> str:
    """A passage as the model reads it: an FAQ entry as question and answer, the rest after its title."""
    sentences = " ".join(match.sentences)
    if match.passage.source == Passage.Source.FAQ:
        return f"Q: {match.passage.title}\nA: {sentences}"
    return f"{match.passage.title}: {sentences}"


def order_reply(order: Order) -> Reply:
    sentence = passages.order_sentence(order)
    return Reply(content=sentence, answer=sentence, facts=(passages.status_text(order.status),))


def order_named(orders: list[Order], wanted: str) -> Order | None:
    """The order a compacted reference names: "HB1042", "hb 1042" and "#HB-1042" are all HB-1042, and
    "1042" is too when no other order of the customer's ends so."""
    exact = [order for order in orders if passages.compact_reference(order.reference) == wanted]
    if exact or not wanted.isdigit():
        return exact[0] if exact else None
    ending = [order for order in orders if passages.compact_reference(order.reference).endswith(wanted)]
    return ending[0] if len(ending) == 1 else None


def order_in_progress(orders: list[Order]) -> Reply | None:
    """The customer's one order in progress; with several, the question which one; with none, None."""
    in_progress = [order for order in orders if order.status not in FINISHED]
    if len(in_progress) == 1:
        return order_reply(in_progress[0])
    if not in_progress:
        return None
    references = tuple(order.reference for order in in_progress)
    question = ngettext(
        "You have %(count)d order in progress: %(references)s. Which one do you mean?",
        "You have %(count)d orders in progress: %(references)s. Which one do you mean?",
        len(references),
    ) % {"count": len(references), "references": ", ".join(references)}
    return Reply(content=question, answer=question, facts=references, options=references)


def order_not_found(reference: str) -> str:
    return gettext("I can't find an order %(reference)s under your name. Could you check the reference?") % {
        "reference": reference
    }


def _about_an_order(group: list[Match], orders: list[Order], question: str) -> Reply | None:
    asked = passages.compact_reference(question)
    named = [order for order in orders if passages.compact_reference(order.reference) in asked]
    if len(named) == 1:
        return order_reply(named[0])
    return order_in_progress(orders)
