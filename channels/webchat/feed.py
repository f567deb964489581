"""What the widget's poll returns: the visitor's conversation after a message id, and whether the agent is writing.

Fetching a reply is its delivery: the replies a poll returns are marked delivered, and read when
the widget says its panel is open in front of the visitor.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from conversations.events import DeliveryState, Kind, StatusUpdate
from conversations.inbound import store_events
from conversations.markup import read
from conversations.models import ChannelConnection, Conversation, Message

SHOWN_REPLY_STATES = (Message.Status.SENT, Message.Status.DELIVERED, Message.Status.READ)
WAITING_REPLY_STATES = (Message.Status.PENDING, Message.Status.SENDING)
# A turn lost on the way (a worker that died) must not leave the visitor watching dots forever.
TYPING_TIMEOUT = timedelta(minutes=2)


def read_feed(connection: ChannelConnection, visitor: str, after: int, seen: bool) -> dict[str, Any]:
    conversation = (
        Conversation.objects.filter(connection=connection, contact__platform_user_id=visitor)
        .exclude(status=Conversation.Status.CLOSED)
        .first()
    )
    if conversation is None:
        return {"messages": [], "cursor": after, "typing": False}
    now = timezone.now()
    newer = conversation.messages.filter(id__gt=after)
    shown = list(newer.filter(Q(direction=Message.Direction.INBOUND) | Q(status__in=SHOWN_REPLY_STATES)))
    fetched = [m.platform_message_id for m in shown if m.status == Message.Status.SENT and m.platform_message_id]
    updates = [StatusUpdate(DeliveryState.DELIVERED, platform_message_id=mid) for mid in fetched]
    if seen:
        updates.append(StatusUpdate(DeliveryState.READ, recipient_id=visitor, watermark=now))
    store_events(connection, updates)
    statuses = dict(Message.objects.filter(pk__in=[m.pk for m in shown]).values_list("pk", "status"))
    return {
        "messages": [_as_json(message, statuses[message.pk]) for message in shown],
        "cursor": _cursor(after, shown, newer),
        "typing": agent_is_writing(conversation, now),
    }


def agent_is_writing(conversation: Conversation, now: datetime) -> bool:
    """True while the visitor's last message waits for the agent's reply."""
    if conversation.status != Conversation.Status.BOT:
        return False
    last = (
        conversation.messages.filter(direction=Message.Direction.INBOUND)
        .exclude(kind__in=Kind.NOT_ANSWERED)
        .order_by("-id")
        .first()
    )
    # A turn deferred for its business's turns per minute is still on its way until its start.
    if last is None or now - max(last.created_at, last.turn_not_before or last.created_at) > TYPING_TIMEOUT:
        return False
    return not Message.objects.filter(reply_to=last).exclude(status__in=WAITING_REPLY_STATES).exists()


def _cursor(after: int, shown: list[Message], newer: QuerySet[Message]) -> int:
    """The id to ask after next time: never past a reply that is still being sent, so none is skipped."""
    cursor = shown[-1].pk if shown else after
    waiting = (
        newer.filter(direction=Message.Direction.OUTBOUND, status__in=WAITING_REPLY_STATES)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    return min(cursor, waiting - 1) if waiting is not None else cursor


def _as_json(message: Message, status: str) -> dict[str, Any]:
    inbound = message.direction == Message.Direction.INBOUND
    return {
        "id": message.pk,
        "from": "visitor" if inbound else message.author,
        # The id the widget made for the visitor's message, so it can match the copy it shows already.
        "client_message_id": (message.platform_message_id or "").partition(":")[2] if inbound else "",
        "text": message.text,
        # A reply's Markdown-ish marks, as spans the widget builds elements from (never HTML).
        "spans": [] if inbound else [asdict(span) for span in read(message.text)],
        # A person's replies are signed with their first name (console/operator_actions.py).
        "name": message.metadata.get("operator_name", "") if message.author == Message.Author.OPERATOR else "",
        "status": status,
        "at": message.created_at.isoformat(),
        # A reply's buttons, and on the visitor's message the one they pressed.
        "choices": message.choices,
        "chosen": message.chosen,
    }
