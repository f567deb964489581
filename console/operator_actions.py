"""What an operator does to a conversation: take it over, answer, hand it back, correct the agent.

Taking over is one conditional UPDATE of the conversation's status. An agent turn finishing at
the same moment locks the same row (agents.turns.finish_turn) and reads the status under that
lock, so whichever commits second sees the other: the agent's reply is dropped once a person has it.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Left

from business.models import FaqEntry
from conversations import outbox
from conversations.models import Conversation, Message, MessageTemplate

from .models import Annotation, Handover

OPEN_TO_TAKE_OVER = (Conversation.Status.BOT, Conversation.Status.NEEDS_HUMAN)
QUESTION_LENGTH = cast(int, FaqEntry._meta.get_field("question").max_length)  # a CharField's, so set


def take_over(conversation: Conversation, operator: User) -> bool:
    """Pause the agent in this conversation; False when it was closed or already a person's."""
    return _change(conversation, operator, OPEN_TO_TAKE_OVER, Conversation.Status.HUMAN, Handover.Action.TAKE_OVER)


def hand_back(conversation: Conversation, operator: User) -> bool:
    """The agent answers the customer's next message again."""
    taken = (Conversation.Status.HUMAN, Conversation.Status.NEEDS_HUMAN)
    return _change(conversation, operator, taken, Conversation.Status.BOT, Handover.Action.HAND_BACK)


def _change(conversation: Conversation, operator: User, was: tuple[str, ...], becomes: str, action: str) -> bool:
    """The status changes and the timeline records who changed it, together or not at all."""
    with transaction.atomic():
        changed = bool(Conversation.objects.filter(pk=conversation.pk, status__in=was).update(status=becomes))
        if changed:
            Handover.objects.create(conversation=conversation, operator=operator, action=action)
    return changed


def reply_as_operator(conversation: Conversation, text: str, operator: User) -> Message:
    """Send the operator's words through the conversation's channel; replying takes the conversation over.

    The operator's first name is kept with the reply: the web chat signs a person's replies with it."""
    with transaction.atomic():
        take_over(conversation, operator)
        return outbox.queue_reply(
            conversation,
            text,
            author=Message.Author.OPERATOR,
            metadata={"operator_name": operator.first_name} if operator.first_name else None,
        )


def send_template(conversation: Conversation, template: MessageTemplate, values: list[str], operator: User) -> Message:
    """Send an approved template with a value for each placeholder; like a reply, it takes the conversation over."""
    with transaction.atomic():
        take_over(conversation, operator)
        return outbox.queue_reply(
            conversation,
            template.filled(values),
            author=Message.Author.OPERATOR,
            kind=outbox.TEMPLATE,
            metadata=template.message_metadata(values),
        )


def waiting_for_the_agent() -> Exists:
    """For a conversation (the outer query's row): handed back, and the agent has not answered since."""
    answered_since = Message.objects.filter(
        conversation=OuterRef("conversation"), author=Message.Author.AGENT, created_at__gt=OuterRef("created_at")
    )
    return Exists(
        Handover.objects.filter(conversation=OuterRef("pk"), action=Handover.Action.HAND_BACK)
        .exclude(Exists(answered_since))
        .exclude(
            Exists(
                Handover.objects.filter(conversation=OuterRef("conversation"), created_at__gt=OuterRef("created_at"))
            )
        )
    )


def annotate(reply: Message, author, correct_answer: str, note: str = "") -> Annotation:
    annotation, _ = Annotation.objects.update_or_create(
        reply=reply, defaults={"author": author, "correct_answer": correct_answer, "note": note}
    )
    return annotation


def add_to_knowledge(annotation: Annotation) -> FaqEntry:
    """The customer's question and the corrected answer become an unpublished FAQ entry.

    The question is the customer's own words: nobody's search finds it until staff have rewritten it
    and published it, and until then erasing that customer, or their message expiring, deletes it.
    """
    if annotation.faq_entry is not None:
        return annotation.faq_entry
    reply = annotation.reply
    question = reply.reply_to.text if reply.reply_to else reply.text
    with transaction.atomic():
        entry = FaqEntry.objects.create(
            business_id=reply.conversation.business_id,
            question=question[:QUESTION_LENGTH],
            answer=annotation.correct_answer,
            published=False,
        )
        annotation.faq_entry = entry
        annotation.save(update_fields=["faq_entry"])
    return entry


def drafts_made_from(messages: QuerySet[Message]) -> QuerySet[FaqEntry]:
    """The FAQ entries made from these messages (a customer's, or the reply corrected) that are unpublished
    or, published some other way than the admin (which refuses it), still hold the customer's words."""
    corrections = Annotation.objects.filter(Q(reply__in=messages) | Q(reply__reply_to__in=messages))
    quoting = still_quoting(corrections, F("faq_entry__question"), F("faq_entry__answer"))
    return FaqEntry.objects.filter(
        Q(published=False, pk__in=corrections.values("faq_entry")) | Q(pk__in=quoting.values("faq_entry"))
    )


def still_quoting(corrections: QuerySet[Annotation], question: Combinable, answer: Combinable) -> QuerySet[Annotation]:
    """The corrections whose customer's words, as add_to_knowledge copied them, `question` or `answer` still holds."""
    words = Left(Coalesce("reply__reply_to__text", "reply__text"), QUESTION_LENGTH)
    return (
        corrections.alias(words=words, question=question, answer=answer)
        .exclude(words="")
        .filter(Q(question__contains=F("words")) | Q(answer__contains=F("words")))
    )
