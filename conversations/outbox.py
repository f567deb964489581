"""Replies waiting to be sent, and the one place that sends them.

Each reply is a Message row created in the transaction that decides to send it; delivery claims
it with a conditional UPDATE, so two workers holding the same task can never both send it. A reply
longer than the platform allows goes out as several parts, and the parts already accepted are
recorded one by one, so a retry continues where the platform stopped instead of repeating them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from infrastructure import metrics
from infrastructure.log_context import bind as bind_log_ids

from .choices import Choice, checked, numbered_text, stored_choices
from .handoff import hand_to_staff
from .markup import split_spans
from .models import ChannelConnection, Conversation, Message, error_code_column
from .platforms import Platform, SendText
from .platforms import platform as platform_named
from .redaction import redact
from .sending import PermanentSendError, SendError, Sent, TemporarySendError
from .task_queue import DELIVER_MESSAGE, enqueue

logger = logging.getLogger(__name__)

# A message whose metadata["template"] names an approved template to send instead of its text (models.MessageTemplate).
TEMPLATE = "template"
MAX_SEND_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 300.0


def backoff_seconds(retries: int) -> float:
    return min(2.0**retries, MAX_BACKOFF_SECONDS)


def queue_reply(
    conversation: Conversation,
    text: str,
    *,
    author: str,
    reply_to: Message | None = None,
    send_here: bool = False,
    metadata: dict[str, Any] | None = None,
    kind: str = "text",
    choices: Sequence[Choice] = (),
) -> Message:
    """Store a reply as pending and send it once the surrounding transaction commits: from the send
    task's queue, or with `send_here` at once from this process (deliver_now). Its `choices` are shown
    as the platform's buttons where it has them, else as numbered lines (conversations/choices.py). A
    TEMPLATE's `metadata` names the template; its `text` is what the customer reads, for the transcript."""
    message = Message.objects.create(
        choices=checked(choices),
        conversation=conversation,
        connection=conversation.connection,
        direction=Message.Direction.OUTBOUND,
        author=author,
        kind=kind,
        text=redact(text),
        reply_to=reply_to,
        status=Message.Status.PENDING,
        metadata=metadata or {},
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now())
    transaction.on_commit(lambda: deliver_now(message.pk) if send_here else enqueue(DELIVER_MESSAGE, message.pk))
    return message


def deliver_now(message_id: int) -> None:
    """Send a reply from the worker that wrote it: that worker would otherwise end its task and take
    the send task from the queue first, a delay added to every reply. A reply that cannot go out now
    is left to the send task and its retries, this attempt counted as the first."""
    try:
        deliver(message_id)
    except TemporarySendError as error:
        enqueue(DELIVER_MESSAGE, message_id, countdown=error.retry_after or backoff_seconds(0), retries=1)
    except Exception:
        # Unclaimed, the send task sends it; claimed, the sweeper settles it as it would a dead sender's.
        logger.exception("message %s could not be sent at once; the send task takes it", message_id)
        enqueue(DELIVER_MESSAGE, message_id)


def deliver(message_id: int, *, last_attempt: bool = False) -> None:
    """Send one pending message; raises TemporarySendError when it should be tried again (unless
    this is the `last_attempt`: the error is then counted as a failure, not as a retry to come)."""
    claimed = Message.objects.filter(pk=message_id, status=Message.Status.PENDING).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        logger.info("message %s is not pending any more, nothing to send", message_id)
        return
    message = Message.objects.select_related("connection", "conversation__contact", "reply_to").get(pk=message_id)
    bind_log_ids(
        business_id=message.connection.business_id, conversation_id=message.conversation_id, message_id=message_id
    )
    platform = platform_named(message.connection.platform)
    sends = metrics.outbound_sends
    send_text = _send_function(message, platform)
    if send_text is None:
        return
    # A template's choices are its own quick-reply buttons, named in the template: never rendered here.
    offered = stored_choices(message) if message.kind != TEMPLATE else []
    # Decided once: a retry must cut the reply into the same parts as the attempt it continues.
    as_text = message.metadata.get(
        "choices_as_text",
        bool(offered)
        and (
            send_text is not platform.send_text or platform.send_choices is None or len(offered) > platform.max_choices
        ),
    )
    parts = reply_parts(message, platform, as_text)
    sent_parts: list[str] = list(message.metadata.get("sent_parts", []))
    recipient_id = message.conversation.contact.platform_user_id
    try:
        for index in range(len(sent_parts), len(parts)):
            if offered and not as_text and index == len(parts) - 1 and platform.send_choices is not None:
                # In the customer's language, for what a platform adds around them (a list's button).
                with translation.override(message.metadata.get("language", translation.get_language())):
                    sent = platform.send_choices(message.connection, recipient_id, parts[index], offered)
            else:
                sent = send_text(message.connection, recipient_id, parts[index])
            sent_parts.append(sent.platform_message_id)
            # The last accepted part's id is the message's: its delivery status covers the whole reply.
            Message.objects.filter(pk=message_id).update(
                platform_message_id=sent.platform_message_id,
                metadata={
                    **message.metadata,
                    "sent_parts": sent_parts,
                    **({"choices_as_text": as_text} if offered else {}),
                },
            )
    except TemporarySendError as error:
        sends.labels(platform.name, "failed" if last_attempt else "will_retry", error.code).inc()
        _record_failure(message_id, Message.Status.PENDING, error)
        raise
    except PermanentSendError as error:
        sends.labels(platform.name, "failed", error.code).inc()
        logger.warning("message %s not sent (%s): %s", message_id, error.code, error.reason)
        _record_failure(message_id, Message.Status.FAILED, error)
        if error.code in platform.window_closed_codes:
            hand_to_staff([message.conversation_id])
        return
    sent_at = timezone.now()
    Message.objects.filter(pk=message_id).update(
        status=Message.Status.SENT, sent_at=sent_at, error_code="", error_detail=""
    )
    sends.labels(platform.name, "sent", "").inc()
    if message.author == Message.Author.AGENT and message.reply_to is not None:
        metrics.reply_latency.labels(platform.name).observe((sent_at - message.reply_to.created_at).total_seconds())


def recover_interrupted_send(message_id: int) -> bool:
    """Settle a reply whose sender died after claiming it; returns whether the row changed.

    Parts whose id was recorded reached the customer. The part in flight when the sender died may
    or may not have: sending it again could say it twice, so the reply fails and staff take over.
    """
    message = Message.objects.select_related("connection").get(pk=message_id)
    platform = platform_named(message.connection.platform)
    parts = reply_parts(message, platform, message.metadata.get("choices_as_text", False))
    sent_parts = message.metadata.get("sent_parts", [])
    still_claimed = Message.objects.filter(pk=message_id, status=Message.Status.SENDING, claimed_at=message.claimed_at)
    if len(sent_parts) >= len(parts):
        return bool(still_claimed.update(status=Message.Status.SENT, sent_at=timezone.now()))
    changed = still_claimed.update(
        status=Message.Status.FAILED,
        error_code="send_interrupted",
        error_detail=f"the sender stopped after {len(sent_parts)} of {len(parts)} parts; the rest may not have arrived",
    )
    if changed:
        logger.warning("message %s: its sender died mid-send; failed and handed to staff", message_id)
        hand_to_staff([message.conversation_id])
    return bool(changed)


def _send_function(message: Message, platform: Platform) -> SendText | None:
    """How this message goes out; None when it may not (recorded as failed, handed to staff when the window closed)."""
    if message.kind == TEMPLATE:
        # An approved template is the one message the platform takes at any time: no window applies.
        send_template = platform.send_template
        if send_template is None:
            metrics.outbound_sends.labels(platform.name, "failed", "templates_not_supported").inc()
            reason = gettext_noop("this platform has no message templates")
            _record_failure(message.pk, Message.Status.FAILED, PermanentSendError(reason, "templates_not_supported"))
            return None
        template = message.metadata["template"]

        def send_the_template(connection: ChannelConnection, recipient_id: str, _text: str) -> Sent:
            return send_template(connection, recipient_id, template)

        return send_the_template
    if not outside_reply_window(message):
        return platform.send_text
    late_send = _late_send(message)
    if late_send is None:
        metrics.outbound_sends.labels(platform.name, "failed", "window_closed").inc()
        window_closed(message)
    return late_send


def reply_parts(message: Message, platform: Platform, choices_as_text: bool) -> list[str]:
    """The texts the reply goes out as, in order; choices shown as buttons go with the last one,
    which must then fit the platform's limit for a message with buttons. A template is one message."""
    if message.kind == TEMPLATE:
        return [message.text]
    offered = stored_choices(message)
    text = numbered_text(message.text, offered) if offered and choices_as_text else message.text
    # Cut before rendering, each part rendered whole: no part ends inside a mark, a tag or an entity.
    last_limit = platform.choices_text_limit if offered and not choices_as_text else None
    return split_spans(text, platform.text_limit, platform.measure, platform.render, last_limit)


def _late_send(message: Message) -> SendText | None:
    """How a message may still go out past the platform's window, if at all: an operator's reply with the
    human-agent tag, a booking reminder before the booking with the event-update tag (Meta's rules)."""
    platform = platform_named(message.connection.platform)
    if human_agent_may_answer(message):
        return platform.send_human_agent_text
    event_starts = message.metadata.get("event_starts_at")
    if (
        platform.send_event_update_text is not None
        and event_starts
        and timezone.now() < datetime.fromisoformat(event_starts)
    ):
        return platform.send_event_update_text
    return None


def outside_reply_window(message: Message) -> bool:
    return _past(message, platform_named(message.connection.platform).reply_window)


def reply_window_open(conversation: Conversation, now: datetime | None = None) -> bool:
    """Whether the platform still takes a free-form message in this conversation."""
    window = platform_named(conversation.connection.platform).reply_window
    last_inbound = conversation.last_inbound_at
    return window is None or last_inbound is None or (now or timezone.now()) - last_inbound <= window


def human_agent_may_answer(message: Message) -> bool:
    """An operator's reply past the standard window, within the platform's longer one for people."""
    platform = platform_named(message.connection.platform)
    return (
        message.author == Message.Author.OPERATOR
        and platform.send_human_agent_text is not None
        and not _past(message, platform.human_agent_window)
    )


def _past(message: Message, window: timedelta | None) -> bool:
    last_inbound = message.conversation.last_inbound_at
    return window is not None and last_inbound is not None and timezone.now() - last_inbound > window


def window_closed(message: Message) -> None:
    """The platform would refuse a free-form message now: staff decide what to do."""
    logger.warning("message %s not sent: the customer last wrote over the platform's window ago", message.pk)
    _record_failure(
        message.pk,
        Message.Status.FAILED,
        PermanentSendError(
            gettext("the customer last wrote longer ago than the platform allows replies (24 hours on Meta's apps)"),
            code="window_closed",
        ),
    )
    hand_to_staff([message.conversation_id])


def show_typing(conversation: Conversation) -> None:
    """Best effort: a typing indicator that fails must not hold up the reply."""
    platform = platform_named(conversation.connection.platform)
    if platform.send_typing is None:
        return
    try:
        platform.send_typing(conversation.connection, conversation.contact.platform_user_id)
    except SendError as error:
        logger.info("typing indicator not shown in conversation %s: %s", conversation.pk, error.reason)


def give_up(message_id: int, error: SendError) -> None:
    """After the last retry: the message stays failed, with the platform's last reason."""
    _record_failure(message_id, Message.Status.FAILED, error)


def _record_failure(message_id: int, status: str, error: SendError) -> None:
    Message.objects.filter(pk=message_id).update(
        status=status, error_code=error_code_column(error.code), error_detail=error.reason
    )
