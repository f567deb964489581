"""One search over everything a business knows: FAQ, documents, catalogue, hours, address, contact and orders.

The passages (passages.py) are found in two steps. The database finds candidates: on PostgreSQL a
tsvector of the analysed terms (GIN) or, for typos, pg_trgm's word similarity on the folded words;
on SQLite an FTS5 table with the trigram tokenizer. Then every candidate gets the same score on
both backends: the share of the question's words it holds, each word weighted by how rare it is
at this business (idf), a typo counting nearly as much as the word. A question whose best passage
holds too little of it (RELEVANCE_THRESHOLD, calibrated in bench/retrieval_calibration.py) has no
answer: the agent says so instead of sending an unrelated passage.

A compound question is answered part by part; a part may lean on the one before it or on the
conversation's subject (`context`), which orders the passages but never makes one relevant.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet

from . import passages, text_analysis
from .hours import WEEKDAYS
from .models import Business, CatalogueItem, Document, FaqEntry, Order, Passage

Searchable = FaqEntry | Document | CatalogueItem | Order
Source = Passage.Source
SEARCHABLE: dict[type[Searchable], tuple[str, Callable[[Any], Iterator[passages.Draft]]]] = {
    FaqEntry: (Source.FAQ, passages.faq_passages),
    Document: (Source.DOCUMENT, passages.document_passages),
    CatalogueItem: (Source.ITEM, passages.item_passages),
    Order: (Source.ORDER, passages.order_passages),
}
BUSINESS_SOURCES = (Source.HOURS, Source.ADDRESS, Source.CONTACT)

# The share of a question's (idf-weighted) words its best passage must hold: bench/results.md.
RELEVANCE_THRESHOLD = 0.45
# How much the conversation's subject counts next to the question's own words, when ordering passages:
# enough to choose among passages nearly as good (a title word, a topic word), not to put a passage
# that only mentions what is asked ("brushing inclus") before the one named so ("Brushing").
CONTEXT_SHARE = 0.1
# A word found among a passage's topic words, only in its body, or as a typo counts a little less than in its title.
TOPIC = 0.95
BODY_ONLY = 0.85
TYPO = 0.8
CANDIDATES = 100
# The share of a product's name a question must hold to be about that product whatever else it asks.
NAMED_SHARE = 2 / 3
# How far a named product's passage ranks above the others when its price or what it is like is asked.
NAMED_BONUS = 0.05
# How many passages of the same kind, equally good, one answer lists (all the days; a few products).
MAX_TIED: dict[str, int] = {Source.HOURS: 7}
DEFAULT_MAX_TIED = 3
_SENTENCE_END = re.compile(r"\n+|(?<=[.!?])\s+(?=\S)")


@dataclass(frozen=True)
class Match:
    passage: Passage
    # The share of the question's own words the passage holds, 0 to 1: what the threshold applies to.
    score: float
    # The score plus the context's share: what orders the passages.
    rank: float
    # The sentences of the passage that answer the question.
    sentences: tuple[str, ...]

    @property
    def identity(self) -> tuple[str, int | None, str]:
        return (self.passage.source, self.passage.object_id, self.passage.key)


# Keeping the index in step (signals.py).


def reindex(instance: Searchable) -> None:
    """Remake the passages of one FAQ entry, document, catalogue item or order."""
    source, render = SEARCHABLE[type(instance)]
    business = instance.business
    with transaction.atomic():
        Passage.objects.filter(business=business, source=source, object_id=instance.pk).delete()
        drafts = render(instance)
        Passage.objects.bulk_create(passages.analysed(business, draft) for draft in drafts)


def unindex(instance: Searchable) -> None:
    source, _ = SEARCHABLE[type(instance)]
    Passage.objects.filter(business_id=instance.business_id, source=source, object_id=instance.pk).delete()


def reindex_business_details(business: Business) -> None:
    """Remake the opening hours, address and contact passages."""
    drafts = [*passages.hours_passages(business), *passages.place_passages(business)]
    with transaction.atomic():
        Passage.objects.filter(business=business, source__in=BUSINESS_SOURCES).delete()
        Passage.objects.bulk_create(passages.analysed(business, draft) for draft in drafts)


def reindex_business(business: Business) -> None:
    """Remake every passage of the business: after a change of languages, or on first migration."""
    reindex_business_details(business)
    for model in SEARCHABLE:
        for instance in model.objects.filter(business=business).select_related("business"):
            reindex(instance)


# Searching.


def answer(
    business: Business,
    question: str,
    *,
    customer_id: int | None = None,
    context: str = "",
    subject: str = "",
    asks: str = "",
    sources: Iterable[str] | None = None,
    language: str = "",
) -> list[list[Match]]:
    """For each part of the question that something answers well enough, the passages that answer it;
    `language` is the customer's, whose words are read too when the business does not serve it.

    `subject`: what a follow-up is asked of ("is it rechargeable?"); `asks`: what a follow-up asks of what it
    names, carried from the question before it ("and the croissant?" after a price). Their words count as the
    question's, but a passage must hold something the question itself names."""
    groups: list[list[Match]] = []
    answered: set[tuple[str, int | None, str]] = set()
    leaning_on = context
    # "what's in it?" names nothing itself: with a subject, it asks about the subject.
    parts = question_parts(question, _asked_in(business, language)) or ([question] if subject else [])
    for part in parts:
        found = [
            match
            for match in find(
                business,
                part,
                customer_id=customer_id,
                context=leaning_on,
                subject=subject,
                asks=asks,
                sources=sources,
                limit=10,
                language=language,
            )
            if match.score >= RELEVANCE_THRESHOLD and match.identity not in answered
        ]
        if found:
            group = _tied(found)
            groups.append(group)
            answered.update(match.identity for match in group)
        leaning_on = part
    return groups


def _asked_in(business: Business, language: str) -> tuple[str, ...]:
    """The languages a question is read in: the business's, and the customer's when it is another."""
    languages = passages.business_languages(business)
    customer = text_analysis.base_language(language) if language else ""
    return languages if not customer or customer in languages else (*languages, customer)


def question_parts(question: str, languages: tuple[str, ...]) -> list[str]:
    """The questions inside a message: "How much is X and how long does it take?" is two."""
    joining = sorted({word for language in languages for word in text_analysis.lexicon(language).joining_words})
    joint = re.compile(r"\s*\b(?:" + "|".join(map(re.escape, joining)) + r")\b\s*") if joining else None
    parts: list[str] = []
    # Not at line breaks: a burst of messages ("how much is" / "the oat milk?") is one question.
    for sentence in re.split(r"[?!;]+|\.(?=\s|$)", text_analysis.fold(question)):
        segments = joint.split(sentence) if joint else [sentence]
        merged: list[str] = []
        for segment in segments:
            # A joining word splits two questions only when each side names something.
            if merged and not (
                text_analysis.content_words(segment, languages) and text_analysis.content_words(merged[-1], languages)
            ):
                merged[-1] = f"{merged[-1]} {segment}".strip()
            else:
                merged.append(segment.strip())
        parts += [part for part in merged if text_analysis.content_words(part, languages)]
    return parts


def find(
    business: Business,
    query: str,
    *,
    customer_id: int | None = None,
    context: str = "",
    subject: str = "",
    asks: str = "",
    sources: Iterable[str] | None = None,
    limit: int = 5,
    language: str = "",
) -> list[Match]:
    """The passages that hold most of the query's words, best first, each with its score."""
    languages = _asked_in(business, language)
    head, purpose = text_analysis.purpose_split(query, languages)
    if purpose:
        # "lights for the bike" asks for lights: the bike orders them, when lights alone are found.
        found = find(
            business,
            head,
            customer_id=customer_id,
            context=f"{context} {purpose}",
            subject=subject,
            asks=asks,
            sources=sources,
            limit=limit,
            language=language,
        )
        if found and found[0].score >= RELEVANCE_THRESHOLD:
            return found
    main = passages.business_languages(business)[0]
    asked = text_analysis.content_words(query, languages)
    added = text_analysis.content_words(f"{subject} {asks}", languages)
    own = list(dict.fromkeys([*asked, *added]))
    if not own:
        return []
    leaning = [word for word in text_analysis.content_words(context, languages) if word not in own]
    scope = _scope(business, customer_id, sources)
    hyphenated = text_analysis.hyphen_parts(f"{query} {subject} {asks}", languages)
    parts = {
        word: tuple(part for piece in hyphenated.get(word, (word,)) for part in text_analysis.compound_parts(piece))
        for word in own
    }
    looked_for = list(dict.fromkeys([*own, *(part for found in parts.values() for part in found), *leaning]))
    candidates = _candidates(scope, business, customer_id, looked_for, languages, sources)
    if not candidates:
        return []
    # A compound the business's data does not hold is asked as its parts: "Aero-Helm", "Zitronentarte".
    held = set().union(*(passage.terms.split() for passage in candidates))

    def as_held(found: list[str]) -> list[str]:
        return list(
            dict.fromkeys(
                part
                for word in found
                for part in (parts[word] if not text_analysis.asked_stems(word, languages) & held else (word,))
            )
        )

    own, asked = as_held(own), as_held(asked)
    words = _Words(own, leaning, languages, candidates)
    # "oat milk" names a product; "what's in the oat milk?" asks about it.
    words.bare = len(text_analysis.words(query)) == len(own)
    words.weigh(scope)
    scored = sorted(
        (words.score(passage) for passage in candidates),
        key=lambda found: (-found[2], -found[1], found[0].language != main, len(found[0].body)),
    )
    best: dict[tuple[str, int | None, str], tuple[Passage, float, float]] = {}
    for passage, score, rank in scored:
        # Asked of a subject, a passage must still hold something the message asked ("is it red?" is not answered).
        if score > 0 and (not added or not asked or words.holds(asked, passage)):
            best.setdefault((passage.source, passage.object_id, passage.key), (passage, score, rank))
    return [
        Match(passage, score, rank, words.sentences(passage)) for passage, score, rank in list(best.values())[:limit]
    ]


class _Words:
    """A query's words, how much each weighs at this business, and how each is found in a passage."""

    def __init__(self, own: list[str], leaning: list[str], languages: tuple[str, ...], candidates: list[Passage]):
        self.own, self.leaning, self.languages = own, leaning, languages
        self.stems = {word: text_analysis.asked_stems(word, languages) for word in own + leaning}
        held = set().union(*(passage.terms.split() for passage in candidates))
        vocabulary = set().union(*(passage.folded.split() for passage in candidates))
        # A word no candidate holds may be a typo of one some candidate holds ("helmt", "opning").
        # Typos seldom touch a word's first letter: comparing only words that share it keeps this quick.
        self.near = {
            word: {known for known in vocabulary if known[0] == word[0] and text_analysis.is_near(word, known)}
            for word in own + leaning
            if not self.stems[word] & held
        }
        # The words asking a product's price or stock, compared unstemmed: stems of several languages meet
        # ("comprend" and "comprar" are "compr").
        self.price = {word for word in own if text_analysis.asked_words(word, languages) & _price_words()}
        self.weights: dict[str, float] = {}
        self.candidates = candidates
        self.bare = False

    def weigh(self, scope: QuerySet[Passage]) -> None:
        exact = [word for word in self.stems if word not in self.near]
        counts = scope.aggregate(
            total=Count("pk"),
            **{
                f"w{index}": Count(
                    "pk", filter=reduce(or_, (Q(terms__contains=f" {stem} ") for stem in self.stems[word]))
                )
                for index, word in enumerate(exact)
            },
        )
        total = counts["total"]
        frequency = {word: counts[f"w{index}"] for index, word in enumerate(exact)}
        for word, near in self.near.items():
            frequency[word] = sum(1 for passage in self.candidates if near & set(passage.folded.split()))
        self.weights = {word: math.log(1 + (total - count + 0.5) / (count + 0.5)) for word, count in frequency.items()}

    def found(
        self,
        word: str,
        terms: set[str],
        title_terms: set[str],
        topic_terms: set[str],
        folded: set[str],
        title_folded: set[str],
    ) -> float:
        if self.stems[word] & title_terms:
            return 1.0
        if self.stems[word] & topic_terms:
            return TOPIC
        if self.stems[word] & terms:
            return BODY_ONLY
        near = self.near.get(word, set())
        # A typo of a product's name outranks the same typo of a word its neighbours' descriptions use.
        return TYPO if near & title_folded else TYPO * TOPIC if near & folded else 0.0

    def share(self, words: list[str], passage_text: tuple[set[str], ...]) -> float:
        total = sum(self.weights[word] for word in words)
        held = sum(self.weights[word] * self.found(word, *passage_text) for word in words)
        return held / total if total else 0.0

    def holds(self, words: list[str], passage: Passage) -> bool:
        text = self._text(passage)
        return any(self.found(word, *text) for word in words)

    @staticmethod
    def _text(passage: Passage) -> tuple[set[str], ...]:
        return (
            set(passage.terms.split()),
            set(passage.title_terms.split()),
            set(passage.topic_terms.split()),
            set(passage.folded.split()),
            set(text_analysis.index_words(passage.title)),
        )

    def score(self, passage: Passage) -> tuple[Passage, float, float]:
        """The passage, the share of the question's own words it holds, and that share with the context's."""
        text = self._text(passage)
        score = self.share(self.own, text)
        rank = score + CONTEXT_SHARE * self.share(self.leaning, text)
        if passage.source == Source.ITEM and self.names(passage.title):
            # "Is the Road Pro Carbon light?": the other words ask about the product, often in words its data lacks.
            score = max(score, RELEVANCE_THRESHOLD)
            price, asked = self._beyond_name(passage)
            # Its price, or what it is like, is the product's own passage to tell rather than an FAQ naming it.
            rank = max(rank, score) + (NAMED_BONUS if price or asked else 0.0)
        return passage, round(score, 6), round(rank, 6)

    def _beyond_name(self, passage: Passage) -> tuple[set[str], list[str]]:
        """The question's words asking a product's price or stock, and those asking anything else about it."""
        title, title_words = set(passage.title_terms.split()), set(text_analysis.index_words(passage.title))
        asked = [
            word
            for word in self.own
            if word not in self.price and not self.stems[word] & title and not self.near.get(word, set()) & title_words
        ]
        return self.price, asked

    def names(self, title: str) -> bool:
        """Whether the question names this: holds most of its name's words (a typo counts)."""
        named = text_analysis.content_words(title, self.languages)
        held = [
            word
            for word in named
            if any(
                self.stems[own] & text_analysis.stems(word, self.languages) or word in self.near.get(own, ())
                for own in self.own
            )
        ]
        return bool(named) and len(held) >= NAMED_SHARE * len(named)

    def sentences(self, passage: Passage) -> tuple[str, ...]:
        """The sentences of a passage that hold the most of the query, in their order."""
        sentences = [sentence.strip() for sentence in _SENTENCE_END.split(passage.body) if sentence.strip()]
        if passage.source == Source.ITEM:
            return self._item_sentences(passage, sentences)
        if passage.key == passages.SPECIAL_DAYS_KEY:
            return self._special_day_sentences(sentences)
        values = [
            self.share(self.own, _sentence_text(sentence, self.languages))
            + CONTEXT_SHARE * self.share(self.leaning, _sentence_text(sentence, self.languages))
            for sentence in sentences
        ]
        best = max(values, default=0.0)
        if best == 0.0:
            # Found by its title ("How long does a repair take?"): its first sentence is the answer,
            # with the next one when the first is only "Yes." or "No.".
            return tuple(sentences[: 1 if len(sentences[0].split()) > 2 else 2]) if sentences else ()
        return tuple(sentence for sentence, value in zip(sentences, values, strict=True) if value >= best / 2)

    def _special_day_sentences(self, sentences: list[str]) -> tuple[str, ...]:
        """The special days a question names ("open at Christmas?"), or all of them ("open on bank holidays?"):
        "open" or "closed" picks none."""
        asking = set(text_analysis.asking_words(" ".join(self.own), self.languages))
        named = [word for word in self.own if word not in asking]
        values = [self.share(named, _sentence_text(sentence, self.languages)) for sentence in sentences]
        best = max(values, default=0.0)
        if best == 0.0:
            return tuple(sentences)
        return tuple(sentence for sentence, value in zip(sentences, values, strict=True) if value >= best / 2)

    def _item_sentences(self, passage: Passage, sentences: list[str]) -> tuple[str, ...]:
        """A product's price line, which names it, and its description unless only its name, price or stock is
        asked, or nothing new after an earlier question: the description's sentences that hold what else was asked
        ("is it carbon?"), or all of them ("what's in the lemon tart?"), since the question may ask in words
        or a language the data lacks."""
        line, description = sentences[:1], sentences[1:]
        price, asked = self._beyond_name(passage)
        # "and the croissant?" after a price: a follow-up asks what the question it follows asked.
        if not description or not asked and (price or self.leaning or self.bare):
            return tuple(line)
        holding = [
            sentence for sentence in description if self.share(asked, _sentence_text(sentence, self.languages)) > 0
        ]
        return tuple(line + (holding or description))


@cache
def _price_words() -> frozenset[str]:
    """The words customers ask a product's price or stock with, in every language."""
    return frozenset(text_analysis.words(text_analysis.topic_words("item")))


def _sentence_text(sentence: str, languages: tuple[str, ...]) -> tuple[set[str], ...]:
    """A sentence as `_Words.found` reads a passage: its terms, and its words for typos."""
    return (text_analysis.terms(sentence, languages), set(), set(), set(text_analysis.index_words(sentence)), set())


def _scope(business: Business, customer_id: int | None, sources: Iterable[str] | None) -> QuerySet[Passage]:
    """This business's passages that this customer may read: nobody else's orders."""
    scope = Passage.objects.filter(business=business).filter(Q(customer__isnull=True) | Q(customer_id=customer_id))
    return scope.filter(source__in=list(sources)) if sources is not None else scope


def _candidates(
    scope: QuerySet[Passage],
    business: Business,
    customer_id: int | None,
    words: list[str],
    languages: tuple[str, ...],
    sources: Iterable[str] | None,
) -> list[Passage]:
    if connection.vendor == "postgresql":
        ids = _postgres_candidates(business, customer_id, words, languages, sources)
    else:
        # The trigram table knows no stems: the words that ask the same, translations included, are looked for too.
        asked = sorted({member for word in words for member in text_analysis.asked_words(word, languages)})
        ids = _sqlite_candidates(business, asked)
    return list(scope.filter(pk__in=ids))


def _postgres_candidates(
    business: Business,
    customer_id: int | None,
    words: list[str],
    languages: tuple[str, ...],
    sources: Iterable[str] | None,
) -> list[int]:
    all_stems = sorted({stem for word in words for stem in text_analysis.asked_stems(word, languages)})
    query = " | ".join(f"'{stem}'" for stem in all_stems)
    source_filter = "AND source = ANY(%s)" if sources is not None else ""
    # One condition per word, so that each can use the trigram index: "helmt" <% "commuter helmet ...".
    typo_filter = " ".join("OR %s <%% folded" for _ in words)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id FROM business_passage
            WHERE business_id = %s AND (customer_id IS NULL OR customer_id = %s) {source_filter}
              AND (search_vector @@ to_tsquery('simple', %s) {typo_filter})
            ORDER BY ts_rank(search_vector, to_tsquery('simple', %s)) DESC, id
            LIMIT %s
            """,
            [
                business.pk,
                customer_id,
                *([list(sources)] if sources is not None else []),
                query,
                *words,
                query,
                CANDIDATES,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _sqlite_candidates(business: Business, words: list[str]) -> list[int]:
    trigrams = sorted({gram for word in words for gram in _trigrams(word)})
    if not trigrams:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rowid FROM business_passage_fts
            WHERE business_passage_fts MATCH %s AND business_id = %s
            ORDER BY bm25(business_passage_fts) LIMIT %s
            """,
            [" OR ".join(f'"{gram}"' for gram in trigrams), business.pk, CANDIDATES * 2],
        )
        return [row[0] for row in cursor.fetchall()]


def _trigrams(word: str) -> Iterator[str]:
    return (word[index : index + 3] for index in range(len(word) - 2))


def _tied(matches: list[Match]) -> list[Match]:
    """The best match and those of the same kind exactly as good: all the days of "when are you open?"."""
    best = matches[0]
    tied = [
        match
        for match in matches[1:]
        if match.passage.source == best.passage.source and match.rank == best.rank and match.score == best.score
    ]
    group = [best, *tied][: MAX_TIED.get(best.passage.source, DEFAULT_MAX_TIED)]
    if best.passage.source == Source.HOURS:
        # The weekdays in order, the special days (key "special") after them.
        group.sort(key=lambda match: (WEEKDAYS + (match.passage.key,)).index(match.passage.key))
    return group
