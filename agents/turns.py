"""One agent turn: answer a stored customer message, once, and put the reply in the outbox."""
from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from langchain_core.messages import BaseMessage

from channels_app import outbox
from channels_app.models import Conversation, Message

from .chat_model import LocalLlamaChatModel
from .llama_runtime import ModelSettings
from .model_files import resolve_model_path
from .models import AgentConfig, AgentRun
from .prompts import history_messages, system_message

logger = logging.getLogger(__name__)

HISTORY_LIMIT = 20
FALLBACK_REPLY = "Sorry, I can't answer that right now. Let me get a colleague to help you."


def chat_model_for(config: AgentConfig) -> LocalLlamaChatModel:
    model_settings = ModelSettings(
        path=resolve_model_path(config.model_path),
        context_size=config.context_size,
        threads=config.threads or settings.PARLEY_MODEL_THREADS,
        gpu_layers=settings.PARLEY_MODEL_GPU_LAYERS if config.gpu_layers is None else config.gpu_layers,
    )
    return LocalLlamaChatModel(
        settings=model_settings, temperature=config.temperature, max_tokens=config.max_reply_tokens
    )


def answer_inbound_message(message_id: int) -> None:
    inbound = (
        Message.objects.select_related("conversation__business", "conversation__connection", "conversation__contact")
        .filter(pk=message_id, direction=Message.Direction.INBOUND)
        .first()
    )
    if inbound is None:
        logger.warning("message %s does not exist (any more): nothing to answer", message_id)
        return
    conversation = inbound.conversation
    if conversation.status != Conversation.Status.BOT:
        logger.info("conversation %s is %s: the agent stays silent", conversation.pk, conversation.status)
        return
    if Message.objects.filter(reply_to=inbound).exists():
        logger.info("message %s is already answered", message_id)
        return

    outbox.show_typing(conversation)
    config, _ = AgentConfig.objects.get_or_create(business=conversation.business)
    chat_model = chat_model_for(config)
    prompt = fit_to_context(chat_model, [system_message(conversation.business, config)], recent_history(inbound))
    started = time.perf_counter()
    try:
        answer = chat_model.invoke(prompt)
    except Exception as error:
        # The customer still gets an answer, and staff get the conversation.
        logger.exception("generation failed for message %s: replying with the fallback", message_id)
        run = AgentRun(
            model=chat_model.settings.path.name,
            total_ms=_milliseconds(time.perf_counter() - started) or 0,
            outcome=AgentRun.Outcome.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        finish_turn(inbound, FALLBACK_REPLY, run, hand_over=True)
        return
    metadata = answer.response_metadata
    run = AgentRun(
        model=metadata["model"],
        prompt_tokens=metadata["prompt_tokens"],
        prompt_tokens_evaluated=metadata["prompt_tokens_evaluated"],
        completion_tokens=metadata["completion_tokens"],
        time_to_first_token_ms=_milliseconds(metadata["time_to_first_token"]),
        total_ms=_milliseconds(metadata["total_time"]) or 0,
        outcome=AgentRun.Outcome.REPLIED,
    )
    finish_turn(inbound, str(answer.content).strip() or FALLBACK_REPLY, run, hand_over=False)


def finish_turn(inbound: Message, text: str, run: AgentRun, *, hand_over: bool) -> None:
    """Queue the reply and record the run, unless staff took the conversation or it was answered."""
    conversation = inbound.conversation
    with transaction.atomic():
        # Locked so that an operator taking the conversation over now wins over this reply.
        status = Conversation.objects.select_for_update().values_list("status", flat=True).get(pk=conversation.pk)
        if status != Conversation.Status.BOT:
            logger.info("conversation %s was taken over while generating: reply dropped", conversation.pk)
            return
        try:
            with transaction.atomic():
                reply = outbox.queue_reply(conversation, text, author=Message.Author.AGENT, reply_to=inbound)
        except IntegrityError:
            logger.info("message %s was answered by another worker meanwhile", inbound.pk)
            return
        run.conversation = conversation
        run.inbound_message = inbound
        run.reply = reply
        run.save()
        if hand_over:
            Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.NEEDS_HUMAN)


def recent_history(inbound: Message) -> list[Message]:
    """The conversation up to and including this message, oldest first."""
    recent = inbound.conversation.messages.filter(id__lte=inbound.id).order_by("-id")[:HISTORY_LIMIT]
    return list(reversed(recent))


def fit_to_context(
    chat_model: LocalLlamaChatModel, head: list[BaseMessage], history: list[Message]
) -> list[BaseMessage]:
    """The prompt with as much recent history as fits beside the reply in the context window."""
    budget = chat_model.settings.context_size - chat_model.max_tokens
    turns = history_messages(history)
    while len(turns) > 1 and chat_model.count_prompt_tokens(head + turns) > budget:
        turns = turns[1:]
    return head + turns


def _milliseconds(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds * 1000)
