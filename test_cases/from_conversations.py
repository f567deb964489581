"""Test cases made from what customers really said: one turn of a conversation, the whole of it, or a correction.

One turn keeps everything said before it as the case's history, given to the agent as it was said; a whole
conversation plays every customer message again. The expectations given apply to the turn saved, or to the
last turn of a whole conversation; its earlier turns are judged on their language only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from agents.customer_language import conversation_language
from console.models import Annotation
from conversations.events import Kind
from conversations.models import Conversation, Message

from .models import Case, CaseTurn


@dataclass(frozen=True)
class Expectations:
    """What the form asks of the turn saved; the case's name with them."""

    name: str
    must_contain: str = ""
    must_not_contain: str = ""
    handoff: bool | None = None
    language: str = ""


def language_of(conversation: Conversation) -> str:
    """The conversation's language as the agent last settled it, "" when no turn settled one."""
    return conversation_language(conversation.pk)


def save_turn(reply: Message, expect: Expectations, user, source: str = Case.Source.TRANSCRIPT) -> Case:
    """The customer message this agent reply answered, judged by `expect`, with what came before as history."""
    said = reply.reply_to
    if said is None:
        raise ValueError("the reply answers no customer message")
    conversation = said.conversation
    before = _spoken(conversation).filter(id__lt=said.id)
    history = [{"author": _author(message), "text": message.text} for message in before]
    with transaction.atomic():
        case = Case.objects.create(
            business_id=conversation.business_id,
            name=expect.name,
            source=source,
            conversation=conversation,
            history=history,
            created_by=user,
        )
        _turn(case, 1, said.text, expect)
    return case


def save_conversation(conversation: Conversation, expect: Expectations, user) -> Case:
    """Every customer message of the conversation played again; `expect` judges the last one."""
    said = list(spoken_by_customer(conversation))
    if not said:
        raise ValueError("the customer said nothing in this conversation")
    with transaction.atomic():
        case = Case.objects.create(
            business_id=conversation.business_id,
            name=expect.name,
            source=Case.Source.TRANSCRIPT,
            conversation=conversation,
            created_by=user,
        )
        for position, message in enumerate(said[:-1], start=1):
            CaseTurn.objects.create(case=case, position=position, text=message.text, language=expect.language)
        _turn(case, len(said), said[-1].text, expect)
    return case


def save_correction(annotation: Annotation, user) -> Case:
    """The corrected turn, its answer required to say what the operator wrote it should have said."""
    reply = annotation.reply
    conversation = reply.conversation
    expect = Expectations(
        name=unique_name(
            conversation.business_id, (gettext("Correction: %(said)s") % {"said": (reply.reply_to or reply).text})[:200]
        ),
        must_contain=annotation.correct_answer,
        language=language_of(conversation),
    )
    case = save_turn(reply, expect, user, source=Case.Source.ANNOTATION)
    Case.objects.filter(pk=case.pk).update(annotation=annotation)
    case.annotation = annotation
    return case


def unique_name(business_id: int, name: str) -> str:
    """`name`, or with a number after it when the business has a case by that name already."""
    taken = set(
        Case.objects.filter(business_id=business_id, name__startswith=name[:190]).values_list("name", flat=True)
    )
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name[:190]} ({number})"
    return candidate


def _turn(case: Case, position: int, text: str, expect: Expectations) -> None:
    CaseTurn.objects.create(
        case=case,
        position=position,
        text=text,
        must_contain=expect.must_contain,
        must_not_contain=expect.must_not_contain,
        handoff=expect.handoff,
        language=expect.language,
    )


def spoken_by_customer(conversation: Conversation):
    """The customer's messages a case plays again."""
    return _spoken(conversation).filter(direction=Message.Direction.INBOUND)


def _spoken(conversation: Conversation):
    """What was said, in order: the customer's answered messages and the business's replies."""
    return conversation.messages.exclude(kind__in=Kind.NOT_ANSWERED).exclude(text="").order_by("id")


def _author(message: Message) -> str:
    return "customer" if message.direction == Message.Direction.INBOUND else "agent"
