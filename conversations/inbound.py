"""Storing what customers send, once each, and handing each new turn to the agent after commit."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import IntegrityError, models, transaction
from django.db import connection as database
from django.utils import timezone

from infrastructure import metrics
from infrastructure.log_context import bind as bind_log_ids
from infrastructure.log_context import log_body

from . import choices
from .events import CustomerMessage, DeliveryState, Ignored, InboundEvent, Kind, StatusUpdate
from .handoff import hand_to_staff
from .models import ChannelConnection, Contact, Conversation, Message, error_code_column
from .platforms import platform
from .redaction import redact
from .task_queue import ANSWER_MESSAGE, TRANSCRIBE_VOICE_NOTE, enqueue
from .voice_notes import is_transcribable

logger = logging.getLogger(__name__)

# Each a CharField's, so set.
MAX_SENDER_ID_LENGTH = cast(int, Contact._meta.get_field("platform_user_id").max_length)
MAX_DISPLAY_NAME_LENGTH = cast(int, Contact._meta.get_field("display_name").max_length)
MAX_MESSAGE_ID_LENGTH = cast(int, Message._meta.get_field("platform_message_id").max_length)

# A status only moves a message forward: a late "delivered" must not undo "read".
EARLIER_STATES = {
    DeliveryState.SENT: [Message.Status.SENDING],
    DeliveryState.DELIVERED: [Message.Status.SENDING, Message.Status.SENT],
    DeliveryState.READ: [Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED],
    DeliveryState.FAILED: [Message.Status.SENDING, Message.Status.SENT, Message.Status.DELIVERED],
}


def store_events(connection: ChannelConnection, events: Iterable[InboundEvent]) -> list[Message]:
    """Store each new customer message and apply each status; a message id seen before is skipped."""
    stored = []
    for event in events:
        if isinstance(event, Ignored):
            metrics.inbound_messages.labels(connection.platform, "ignored").inc()
            logger.info(
                "%s connection %s: %s not answered %s", connection.platform, connection.pk, event.kind, event.detail
            )
        elif isinstance(event, StatusUpdate):
            apply_status(connection, event)
        elif not ids_fit(event):
            # No platform sends such ids: storing one would fail, and the delivery would be retried forever.
            logger.warning(
                "%s connection %s: message with an overlong id not stored", connection.platform, connection.pk
            )
        elif (message := store_customer_message(connection, event)) is not None:
            metrics.inbound_messages.labels(connection.platform, "stored").inc()
            stored.append(message)
        else:
            metrics.inbound_messages.labels(connection.platform, "duplicate").inc()
            logger.info(
                "%s connection %s: message %s already stored, not answered again",
                connection.platform,
                connection.pk,
                event.platform_message_id,
            )
    return stored


def ids_fit(event: CustomerMessage) -> bool:
    return len(event.sender_id) <= MAX_SENDER_ID_LENGTH and len(event.platform_message_id) <= MAX_MESSAGE_ID_LENGTH


def without_nul(value: Any) -> Any:
    """The value with U+0000 removed from every string: PostgreSQL's text and jsonb cannot hold it."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_nul(item) for item in value)
    return value


class AlreadyStored(Exception):
    """This platform message id is stored for the connection already: a redelivery."""


def store_customer_message(connection: ChannelConnection, event: CustomerMessage) -> Message | None:
    """The stored message, or None when this platform message id was stored before."""
    event = dataclasses.replace(
        event,
        platform_message_id=without_nul(event.platform_message_id),
        sender_id=without_nul(event.sender_id),
        sender_name=without_nul(event.sender_name),
        text=without_nul(event.text),
        details=without_nul(event.details),
        attachments=tuple(dataclasses.replace(a, **without_nul(dataclasses.asdict(a))) for a in event.attachments),
    )
    now = timezone.now()
    message = unsaved_message(connection, event)
    # A tap names a choice some earlier reply offered: the steps look it up (typed words that answer the
    # latest reply's choices are left to them by the statement itself).
    in_one_statement = event.kind != Kind.BUTTON and stored_in_one_statement(message, event, now)
    if not in_one_statement and not stored_in_steps(message, event, now):
        return None
    bind_log_ids(business_id=connection.business_id, conversation_id=message.conversation_id, message_id=message.pk)
    log_body(logger, f"message {message.pk} says", message.text)
    if message.kind == Kind.HANDLED_CHOICE:
        return message  # its feature's handler ran in the message's transaction: no turn
    if message.transcription == Message.Transcription.PENDING:
        transaction.on_commit(lambda: enqueue(TRANSCRIBE_VOICE_NOTE, message.pk))
    elif event.answerable:
        transaction.on_commit(lambda: enqueue_turn(message.pk))
    return message


def unsaved_message(connection: ChannelConnection, event: CustomerMessage) -> Message:
    # A voice note is answered once it is transcribed, on the worker: its turn follows the transcript.
    transcribe = is_transcribable(connection.platform, event.kind, event.metadata())
    return Message(
        connection=connection,
        direction=Message.Direction.INBOUND,
        author=Message.Author.CUSTOMER,
        kind=event.kind,
        text=redact(event.turn_text()),
        metadata=event.metadata(),
        platform_message_id=event.platform_message_id,
        platform_timestamp=event.sent_at,
        status=Message.Status.RECEIVED,
        transcription=Message.Transcription.PENDING if transcribe else "",
    )


def stored_in_steps(message: Message, event: CustomerMessage, now: datetime) -> bool:
    """The message stored with its conversation, opened if need be, in one transaction, as the choice it
    picks if it picks one (whose feature's handler then runs); False for a message id stored before. Every
    case the single statement leaves: taps and answers to choices, a customer whose conversations are all
    closed, a race between two deliveries, SQLite."""
    try:
        with transaction.atomic():
            conversation = open_conversation(message.connection, event, now=now)
            message.conversation_id = conversation.id
            choice = picked_choice(conversation, event)
            handler = choices.handler_for(choice) if choice else None
            if choice:
                message.kind = Kind.HANDLED_CHOICE if handler else Kind.BUTTON
                # The agent reads a pick as the customer saying the choice's title.
                message.text, message.chosen = choice.title, choice.id
                if event.kind == Kind.TEXT and event.text != choice.title:
                    message.metadata = {**message.metadata, "typed": redact(event.text)}
            try:
                message.save(force_insert=True)
            except IntegrityError as duplicate:
                raise AlreadyStored from duplicate
            if handler and choice:
                run_choice_handler(handler, message, choice)
    except AlreadyStored:
        # The whole transaction is undone rather than a savepoint around the insert (two more round
        # trips for every delivery); with it goes a conversation this redelivery may have opened.
        return False
    return True


def stored_in_one_statement(message: Message, event: CustomerMessage, now: datetime) -> bool:
    """The message stored by one statement, one round trip and its own transaction (bench/results.md: the
    steps took 5 to 11 round trips), for a known customer's open conversation or a new customer's first.
    False, with nothing written, when neither applies or the message id is stored already."""
    if database.vendor != "postgresql":
        return False
    connection = message.connection
    contact = Contact(
        connection=connection,
        platform_user_id=event.sender_id,
        display_name=event.sender_name[:MAX_DISPLAY_NAME_LENGTH],
    )
    conversation = Conversation(
        business_id=connection.business_id,
        connection=connection,
        last_message_at=now,
        last_inbound_at=now,
    )
    new_id: list[Any] = [connection.pk, event.platform_message_id]
    with database.cursor() as cursor:
        cursor.execute(
            store_in_one_statement_sql(),
            [
                now, now, Conversation.Status.CLOSED, connection.pk, event.sender_id, *new_id,
                *_inserted_values(contact), *new_id,
                *_inserted_values(conversation),
                *_inserted_values(message),
            ],
        )  # fmt: skip
        row = cursor.fetchone()
    if row is None:
        return False
    message.pk, message.conversation_id = row
    message._state.adding, message._state.db = False, database.alias
    return True


# The choices its latest reply offered, which the customer's words may be answering: such a message is
# left to the steps, which read them.
_LATEST_REPLY_CHOICES = f"""(
            SELECT reply.choices FROM {Message._meta.db_table} AS reply
            WHERE reply.conversation_id = {Conversation._meta.db_table}.id
            AND reply.direction = '{Message.Direction.OUTBOUND.value}'
            ORDER BY reply.created_at DESC, reply.id DESC LIMIT 1
        )"""
# A known customer's open conversation has its times moved; failing that, a new customer's contact and
# conversation are made; the message goes into whichever there is. Each part is skipped for a message id
# stored already, so that a redelivery writes nothing (the steps then find it a duplicate); two copies racing
# may both move the times, one message is stored. Two deliveries racing for a new customer: the loser's
# contact insert does nothing, and it takes the steps.
STORE_IN_ONE_STATEMENT = f"""
    WITH touched AS (
        UPDATE {Conversation._meta.db_table} SET last_message_at = %s, last_inbound_at = %s
        WHERE status <> %s AND contact_id = (
            SELECT id FROM {Contact._meta.db_table} WHERE connection_id = %s AND platform_user_id = %s
        )
        AND NOT EXISTS (
            SELECT FROM {Message._meta.db_table} WHERE connection_id = %s AND platform_message_id = %s
        )
        AND NOT EXISTS (
            SELECT FROM {_LATEST_REPLY_CHOICES} AS latest WHERE latest.choices <> '[]'::jsonb
        )
        RETURNING id
    ), new_contact AS (
        INSERT INTO {Contact._meta.db_table} ({{contact_columns}})
        SELECT {{contact_values}} WHERE NOT EXISTS (SELECT FROM touched) AND NOT EXISTS (
            SELECT FROM {Message._meta.db_table} WHERE connection_id = %s AND platform_message_id = %s
        )
        ON CONFLICT DO NOTHING
        RETURNING id
    ), opened AS (
        INSERT INTO {Conversation._meta.db_table} ({{conversation_columns}})
        SELECT {{conversation_values}} FROM new_contact
        RETURNING id
    ), chosen AS (
        SELECT id FROM touched UNION ALL SELECT id FROM opened
    )
    INSERT INTO {Message._meta.db_table} ({{message_columns}})
    SELECT {{message_values}} FROM chosen
    ON CONFLICT DO NOTHING
    RETURNING id, conversation_id
"""


# The columns each insert takes from another part of the statement.
COMPUTED_COLUMNS: dict[type[models.Model], dict[str, str]] = {
    Contact: {},
    Conversation: {"contact_id": "new_contact.id"},
    Message: {"conversation_id": "chosen.id"},
}


@functools.cache
def store_in_one_statement_sql() -> str:
    """The statement, made once per process (its text never changes): each model's columns, and the SELECT list
    inserting a row of it, each parameter cast to its column's type."""
    parts = {}
    for name, model in (("contact", Contact), ("conversation", Conversation), ("message", Message)):
        computed = COMPUTED_COLUMNS[model]
        fields = [field for field in model._meta.local_concrete_fields if not field.primary_key]
        parts[f"{name}_columns"] = ", ".join(database.ops.quote_name(field.column) for field in fields)
        parts[f"{name}_values"] = ", ".join(
            computed.get(field.column, f"%s::{field.db_type(database)}") for field in fields
        )
    return STORE_IN_ONE_STATEMENT.format(**parts)


def _inserted_values(instance: models.Model) -> list[Any]:
    """An unsaved instance's values for the statement, each as its field prepares it for the database
    (defaults, auto_now_add)."""
    computed = COMPUTED_COLUMNS[type(instance)]
    return [
        field.get_db_prep_save(field.pre_save(instance, True), database)
        for field in instance._meta.local_concrete_fields
        if not field.primary_key and field.column not in computed
    ]


def picked_choice(conversation: OpenConversation, event: CustomerMessage) -> choices.Choice | None:
    """The offered choice this message picks: a tap carries the choice's id, typed words its title or number."""
    if event.kind == Kind.BUTTON:
        return choices.offered_by_id(conversation.id, str(event.details.get("payload") or ""))
    if event.kind == Kind.TEXT:
        return conversation.latest_reply.picked_by(event.text)
    return None


def run_choice_handler(handler: choices.ChoiceHandler, message: Message, choice: choices.Choice) -> None:
    """A feature's handler, in a savepoint: its failure must not lose the customer's message (and would
    fail again on each redelivery), so it is logged and staff take the conversation."""
    try:
        with transaction.atomic():
            handler(message, choice)
    except Exception:
        logger.exception("the handler of choice %s failed on message %s: handed to staff", choice.id, message.pk)
        hand_to_staff([message.conversation_id])


def apply_status(connection: ChannelConnection, update: StatusUpdate) -> int:
    """Move our sent messages' delivery state; returns how many messages it moved."""
    sent = Message.objects.filter(connection=connection, direction=Message.Direction.OUTBOUND)
    if update.platform_message_id:
        sent = sent.filter(platform_message_id=update.platform_message_id)
    elif update.watermark is not None and update.recipient_id:
        sent = sent.filter(conversation__contact__platform_user_id=update.recipient_id, sent_at__lte=update.watermark)
    else:
        return 0
    changes: dict[str, str] = {"status": update.state}
    if update.state == DeliveryState.FAILED:
        changes |= {"error_code": error_code_column(update.error_code), "error_detail": update.error_detail}
    moving = sent.filter(status__in=EARLIER_STATES[update.state])
    conversation_ids = list(moving.values_list("conversation_id", flat=True))
    moved = moving.update(**changes)
    if update.state == DeliveryState.FAILED and update.error_code in _window_closed_codes(connection.platform):
        hand_to_staff(conversation_ids)
    if update.state == DeliveryState.FAILED and moved:
        logger.warning(
            "%s connection %s: message %s failed after sending (%s): %s",
            connection.platform, connection.pk, update.platform_message_id, update.error_code, update.error_detail,
        )  # fmt: skip
    return moved


@dataclass(frozen=True)
class OpenConversation:
    id: int
    # What its latest reply offered, which typed words may pick (conversations/choices.py).
    latest_reply: choices.LatestReply = choices.NO_REPLY


def open_conversation(connection: ChannelConnection, event: CustomerMessage, now: datetime) -> OpenConversation:
    """The sender's conversation that is not closed, its last message times set to `now`; created,
    with its contact, if there is none."""
    conversation = touch_open_conversation(connection, event.sender_id, now)
    if conversation is not None:
        return conversation
    contact, _ = Contact.objects.get_or_create(
        connection=connection,
        platform_user_id=event.sender_id,
        defaults={"display_name": event.sender_name[:MAX_DISPLAY_NAME_LENGTH]},
    )
    try:
        with transaction.atomic():
            created = Conversation.objects.create(
                business_id=connection.business_id,
                connection=connection,
                contact=contact,
                last_message_at=now,
                last_inbound_at=now,
            )
            return OpenConversation(created.pk)
    except IntegrityError:
        # Another delivery for the same customer created it a moment ago (unless it is closed already:
        # the error then answers 503, and the platform delivers again).
        conversation = touch_open_conversation(connection, event.sender_id, now)
        if conversation is None:
            raise
        return conversation


# Finding a known customer's conversation and moving its times in one statement, one round trip: the
# ORM's update returns no ids, and a lookup then an update cost a webhook two. The same statement reads
# the choices of the conversation's latest reply, which the customer's words may be answering (plain
# SQL that SQLite runs too: the evaluation's database).
_LATEST_REPLY = f"""(
        SELECT reply.{{column}} FROM {Message._meta.db_table} AS reply
        WHERE reply.conversation_id = {Conversation._meta.db_table}.id AND reply.direction = %s
        ORDER BY reply.created_at DESC, reply.id DESC LIMIT 1
    )"""
TOUCH_OPEN_CONVERSATION = f"""
    UPDATE {Conversation._meta.db_table} SET last_message_at = %s, last_inbound_at = %s
    WHERE status <> %s AND contact_id = (
        SELECT id FROM {Contact._meta.db_table} WHERE connection_id = %s AND platform_user_id = %s
    )
    RETURNING id,
    {_LATEST_REPLY.format(column="choices")},
    {_LATEST_REPLY.format(column="metadata -> 'choices_as_text'")}
"""


def touch_open_conversation(connection: ChannelConnection, sender_id: str, now: datetime) -> OpenConversation | None:
    outbound = Message.Direction.OUTBOUND
    with database.cursor() as cursor:
        cursor.execute(
            TOUCH_OPEN_CONVERSATION,
            [now, now, Conversation.Status.CLOSED, connection.pk, sender_id, outbound, outbound],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    # The JSON comes as text, for Django's JSONField to decode (psycopg's jsonb as SQLite's).
    offered, as_text = (json.loads(value) if value else None for value in row[1:])
    return OpenConversation(row[0], choices.LatestReply(tuple(choices.from_stored(offered)), bool(as_text)))


def enqueue_turn(message_id: int) -> None:
    # The message is stored; the broker being down must not turn the webhook into an error.
    enqueue(ANSWER_MESSAGE, message_id)


def _window_closed_codes(name: str) -> frozenset[str]:
    return platform(name).window_closed_codes
