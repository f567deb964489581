"""Follow-ups: messages that lean on the conversation's subject ("how much?", "is it in stock?", "the second one").

Each search that answers remembers its subject per conversation (models.ConversationSubject). A
short message — a few words that name nothing themselves — is searched with that subject as its
context, which orders the passages without making any relevant (business/search.py). One that
names something but asks nothing about it ("and the croissant?", "e il pane senza glutine?") asks
what the question before it asked (its price). "the second one" picks the second of the options the
last reply offered.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from business import passages, text_analysis
from business.models import Order, Passage
from business.search import Match

from .models import ConversationSubject

if TYPE_CHECKING:
    from .tools import TurnContext

# A subject older than this is not what a new message leans on.
SUBJECT_LIFETIME = timedelta(hours=2)
# A message naming more than this many things is a question of its own.
MAX_FOLLOW_UP_WORDS = 3


def remember(context: TurnContext, question: str, groups: list[list[Match]], options: tuple[str, ...] = ()) -> None:
    """The subject of an answer, the last part's best passage, and what the question asked of it."""
    languages = passages.business_languages(context.business)
    asks = " ".join(text_analysis.asking_words(question, languages)) or context.follow_up_asks
    _remember_passage(context.conversation_id, groups[-1][0].passage, options, asks)


def remember_order(conversation_id: int, order: Order) -> None:
    """An order just answered about: "what's in it?" asks about it next."""
    passage = Passage.objects.filter(business_id=order.business_id, source=Passage.Source.ORDER, object_id=order.pk)
    if (found := passage.first()) is not None:
        _remember_passage(conversation_id, found)


def _remember_passage(conversation_id: int, passage: Passage, options: tuple[str, ...] = (), asks: str = "") -> None:
    ConversationSubject.objects.update_or_create(
        conversation_id=conversation_id,
        defaults={
            "source": passage.source,
            "object_id": passage.object_id,
            "key": passage.key,
            "label": passage.title,
            "asks": asks,
            "options": list(options),
        },
    )


def resolve(context: TurnContext, text: str) -> str:
    """The message to plan the turn from; a follow-up's subject goes in context.follow_up."""
    subject = ConversationSubject.objects.filter(
        conversation_id=context.conversation_id, updated_at__gte=timezone.now() - SUBJECT_LIFETIME
    ).first()
    if subject is None:
        return text
    languages = passages.business_languages(context.business)
    chosen = _chosen_option(text, subject.options, languages)
    if chosen:
        return chosen
    if len(text_analysis.content_words(text, languages)) <= MAX_FOLLOW_UP_WORDS:
        context.follow_up = subject.label
        if not text_analysis.asking_words(text, languages):
            context.follow_up_asks = subject.asks
    return text


def _chosen_option(text: str, options: list[str], languages: tuple[str, ...]) -> str:
    """The option "the second one" or "le premier" picks, when that is all the message says."""
    if not options:
        return ""
    ordinals = {
        word: number for language in languages for word, number in text_analysis.lexicon(language).ordinals.items()
    }
    named = text_analysis.content_words(text, languages)
    picked = [ordinals[word] for word in named if word in ordinals]
    if len(picked) != 1 or len(named) > 2:
        return ""
    index = picked[0] - 1 if picked[0] > 0 else len(options) + picked[0]
    return options[index] if 0 <= index < len(options) else ""


def remember_options(conversation_id: int, options: tuple[str, ...]) -> None:
    """A reply that asked which one: the next message may answer "the second one"."""
    ConversationSubject.objects.update_or_create(
        conversation_id=conversation_id,
        defaults={"source": Passage.Source.ORDER, "label": options[0], "asks": "", "options": list(options)},
    )
