"""One agent turn: answer what the customer said, once, and put the reply in the outbox.

A customer often sends several short messages in a row. Each stored message schedules a turn, but
a turn waits until the customer has been quiet for the business's settle time, and only the turn
of the latest message runs: it answers every message since the last reply, together.
"""

from __future__ import annotations

import logging
import os
import time
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from conversations import outbox
from conversations.events import Kind, split_turn_text
from conversations.models import Conversation, Message
from conversations.task_queue import enqueue
from infrastructure import metrics
from infrastructure.log_context import bind as bind_log_ids

from .agent_loop import FALLBACK_REPLY, AgentTurn, TurnOutcome, TurnTimedOut
from .chat_model import LocalLlamaChatModel, StepChatModel
from .conversation_lock import conversation_turn
from .customer_language import turn_language
from .llama_runtime import ModelSettings, get_model
from .model_files import ModelFileUnavailable, resolve_model_path
from .models import AgentConfig, AgentRun, conversation_language
from .notifications import notify_staff
from .prompts import history_messages
from .server_chat_model import ServerChatModel
from .tasks import answer_message
from .tools import TurnContext

logger = logging.getLogger(__name__)

# The prompt keeps between HISTORY_LIMIT and HISTORY_LIMIT + HISTORY_BLOCK messages: older ones are
# dropped a block at a time, so that the history's head, and with it llama.cpp's cached prefix, stays
# the same for HISTORY_BLOCK turns instead of shifting (and being computed again) on every turn.
HISTORY_LIMIT = 30
HISTORY_BLOCK = 10


def chat_model_for(config: AgentConfig, seed: int | None = None) -> StepChatModel:
    if config.backend == AgentConfig.Backend.OPENAI:
        return ServerChatModel(
            base_url=config.server_url,
            model=config.server_model,
            api_key=config.server_api_key,
            temperature=config.temperature,
            max_tokens=config.max_reply_tokens,
            seed=seed,
        )
    model_settings = ModelSettings(
        path=resolve_model_path(config.model_path),
        context_size=config.context_size,
        # More threads than this machine's cores would only slow every other turn down.
        threads=min(config.threads, os.cpu_count() or 1) if config.threads else settings.PARLEY_MODEL_THREADS,
        gpu_layers=settings.PARLEY_MODEL_GPU_LAYERS if config.gpu_layers is None else config.gpu_layers,
        kv_cache_bytes=settings.PARLEY_KV_CACHE_MB * 1024 * 1024,
        slots=settings.PARLEY_MODEL_SLOTS,
    )
    return LocalLlamaChatModel(
        settings=model_settings, temperature=config.temperature, max_tokens=config.max_reply_tokens, seed=seed
    )


def preload_default_model() -> None:
    """Load the model of a business with the default agent settings; best effort (config/celery.py, start_worker)."""
    chat_model = chat_model_for(AgentConfig())
    if not isinstance(chat_model, LocalLlamaChatModel):
        return
    try:
        get_model(chat_model.settings)
    except Exception:
        logger.exception("the default model could not be loaded ahead: each pool process loads it on its first turn")


def answer_inbound_message(message_id: int, settle: bool = True) -> float | None:
    """Answer the turn this message ends; returns seconds to wait when the customer may still be typing."""
    inbound = (
        Message.objects.select_related(
            "conversation__business",
            "conversation__connection",
            "conversation__contact__customer",
            "conversation__contact__connection",
        )
        .filter(pk=message_id, direction=Message.Direction.INBOUND)
        .first()
    )
    if inbound is None:
        logger.warning("message %s does not exist (any more): nothing to answer", message_id)
        return None
    conversation = inbound.conversation
    bind_log_ids(business_id=conversation.business_id, conversation_id=conversation.pk, message_id=inbound.pk)
    if conversation.status != Conversation.Status.BOT:
        logger.info("conversation %s is %s: the agent stays silent", conversation.pk, conversation.status)
        return None
    config, _ = AgentConfig.objects.get_or_create(business=conversation.business)
    quiet_since = timezone.now() - inbound.created_at
    if settle and quiet_since < timedelta(seconds=config.burst_settle_seconds):
        return config.burst_settle_seconds - quiet_since.total_seconds()
    with conversation_turn(conversation.pk) as acquired:
        if not acquired:
            # Not polled for: the turn holding the lock looks for newer messages once it has let go.
            logger.info(
                "message %s: another worker is answering conversation %s, which takes this up next",
                message_id,
                conversation.pk,
            )
            return None
        _run_turn(inbound, config)
    _enqueue_newer_turn(inbound)
    return None


def _enqueue_newer_turn(inbound: Message) -> None:
    """Messages that arrived during this turn found the conversation busy and left it to us.

    Checked after the lock is released, so that a message whose turn found the lock still held is
    committed by now and seen here.
    """
    newer = (
        _answerable(inbound.conversation)
        .filter(id__gt=inbound.id, reply__isnull=True, conversation__status=Conversation.Status.BOT)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if newer is not None:
        enqueue(answer_message.name, newer)


def _run_turn(inbound: Message, config: AgentConfig) -> None:
    """Answer every message since the last reply, unless a later turn or an earlier run does it."""
    conversation, message_id = inbound.conversation, inbound.pk
    if _answerable(conversation).filter(id__gt=inbound.id).exists():
        logger.info("message %s: a later message's turn will answer it too", message_id)
        return
    if Message.objects.filter(reply_to=inbound).exists():
        logger.info("message %s is already answered", message_id)
        return
    if _answerable(conversation).filter(id__lte=inbound.id, transcription=Message.Transcription.PENDING).exists():
        # Answered together with the voice note, once its transcript is stored: its task enqueues the turn.
        logger.info("message %s: waiting for a voice note's transcript", message_id)
        return

    turn_messages = list(_answerable(conversation).filter(id__gt=_last_reply_id(conversation), id__lte=inbound.id))
    customer_text = "\n".join(message.text for message in turn_messages) or inbound.text
    outbox.show_typing(conversation)
    context = TurnContext(
        business=conversation.business,
        contact=conversation.contact,
        conversation_id=conversation.pk,
        chosen=inbound.chosen,
    )
    context.link_customer_by_phone()
    words, _ = split_turn_text(customer_text)
    language = context.language = turn_language(conversation.business, words, conversation_language(conversation.pk))
    started = time.perf_counter()
    model_name = config.model_path or config.backend
    try:
        # Inside the try: a model file missing on this worker fails this turn, not the task again and again.
        chat_model = chat_model_for(config, seed=turn_seed(inbound))
        model_name = chat_model.model_name
        outcome = AgentTurn(context, config, chat_model).run(_recent_history(inbound), customer_text)
    except Exception as error:
        # The customer still gets an answer, and staff get the conversation.
        expected = isinstance(error, TurnTimedOut | ModelFileUnavailable)
        log = logger.warning if expected else logger.exception
        log("turn for message %s failed (%s): replying with the fallback", message_id, error)
        with translation.override(language.reply):
            fallback = str(FALLBACK_REPLY)
        outcome = TurnOutcome(
            text=fallback,
            outcome=AgentRun.Outcome.FAILED,
            hand_over=True,
            handoff_reason=_failure_reason(error),
            language=language.customer,
        )
        error_text = f"{type(error).__name__}: {error}"[:2000]
    else:
        error_text = ""
    finish_turn(inbound, outcome, model_name, time.perf_counter() - started, error_text)


def turn_seed(inbound: Message) -> int:
    """Seeded by the message it answers, so that run again on the same prompt the turn draws the same tokens:
    by its platform id rather than its row, which a test case or a replay, rolled back each time, never keeps."""
    return zlib.crc32((inbound.platform_message_id or str(inbound.pk)).encode()) % 2**31


def _failure_reason(error: Exception) -> str:
    """Why a failed turn handed over, as staff read it in their email."""
    if isinstance(error, TurnTimedOut):
        return gettext("the agent ran over its time budget")
    if isinstance(error, ModelFileUnavailable):
        return gettext("the agent's model file is not available on this worker (%(error)s)") % {"error": error}
    return gettext("the agent failed")


def finish_turn(inbound: Message, outcome: TurnOutcome, model: str, elapsed: float, error: str = "") -> None:
    """Queue the reply and record the run, unless staff took the conversation or it was answered."""
    conversation = inbound.conversation
    with transaction.atomic():
        # Locked so that an operator taking the conversation over now wins over this reply.
        status = Conversation.objects.select_for_update().values_list("status", flat=True).get(pk=conversation.pk)
        if status != Conversation.Status.BOT:
            logger.info("conversation %s was taken over while generating: reply dropped", conversation.pk)
            return
        try:
            # An acknowledgement may be no reply at all (AgentConfig.acknowledgements).
            with transaction.atomic():
                reply = (
                    outbox.queue_reply(
                        conversation,
                        outcome.text,
                        author=Message.Author.AGENT,
                        reply_to=inbound,
                        send_here=True,
                        choices=outcome.choices,
                        # What a platform adds around the choices (WhatsApp's list button) in the reply's language.
                        metadata={"language": outcome.reply_language} if outcome.choices else None,
                    )
                    if outcome.text
                    else None
                )
        except IntegrityError:
            logger.info("message %s was answered by another worker meanwhile", inbound.pk)
            return
        usage = outcome.usage
        run = AgentRun.objects.create(
            conversation=conversation,
            inbound_message=inbound,
            reply=reply,
            model=model,
            prompt_tokens=usage.prompt_tokens,
            prompt_tokens_evaluated=usage.prompt_tokens_evaluated,
            completion_tokens=usage.completion_tokens,
            time_to_first_token_ms=None
            if usage.time_to_first_token is None
            else round(usage.time_to_first_token * 1000),
            total_ms=round(elapsed * 1000),
            outcome=outcome.outcome,
            error=error,
            language=outcome.language,
            trace=[*outcome.trace, {"type": "final", "text": outcome.text}],
        )
        # Counted once kept: a test case's turn (test_cases/running.py) is rolled back, and never served anyone.
        transaction.on_commit(lambda: metrics.record_turn(run, handed_over=outcome.hand_over))
        if outcome.hand_over:
            Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.NEEDS_HUMAN)
            transaction.on_commit(lambda: notify_staff(conversation, outcome.handoff_reason))


def _answerable(conversation: Conversation):
    return conversation.messages.filter(direction=Message.Direction.INBOUND).exclude(kind__in=Kind.NOT_ANSWERED)


def _last_reply_id(conversation: Conversation) -> int:
    last = (
        conversation.messages.filter(direction=Message.Direction.OUTBOUND)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return last or 0


def _recent_history(inbound: Message) -> list:
    """The conversation up to and including this message, oldest first, from a block boundary."""
    earlier = inbound.conversation.messages.filter(id__lte=inbound.id).order_by("id")
    start = max(0, (earlier.count() - HISTORY_LIMIT) // HISTORY_BLOCK * HISTORY_BLOCK)
    return history_messages(earlier[start:])
