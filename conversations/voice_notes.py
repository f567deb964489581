"""A customer's voice note understood on this machine: fetched from the platform, transcribed, then answered.

The webhook only stores the message, marked pending (inbound.py), and enqueues this work after commit.
Here, on the worker: the platform's fetcher downloads the audio within the size limit, speech_to_text
decodes it within the duration limit and transcribes it, and the transcript becomes the message's text,
the customer's words for the agent. The conversation's turn waits for it (agents/turns.py skips a turn
while one of its messages is pending) and is enqueued here once the transcript is stored. Whatever
fails is recorded on the message with its reason and the conversation goes to staff: the message is
kept, and nobody is answered with a guess.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_noop

from . import speech_to_text
from .events import Kind
from .handoff import hand_to_staff
from .media import MediaTooLarge, MediaUnavailable
from .models import Message
from .platforms import find_platform
from .redaction import redact
from .task_queue import ANSWER_MESSAGE, enqueue

logger = logging.getLogger(__name__)

# The attachments transcribed: WhatsApp's and Telegram's voice notes, and audio files on every platform.
SPOKEN = frozenset({"voice", "audio"})


@dataclass(frozen=True)
class Failure:
    code: str
    # A fixed sentence, translated where staff read it (console/templates/console/_messages.html).
    reason: str


FETCH_FAILED = Failure("voice_fetch_failed", gettext_noop("the platform did not give us the audio"))
TOO_LARGE = Failure("voice_too_large", gettext_noop("the audio is larger than the size limit"))
TOO_LONG = Failure("voice_too_long", gettext_noop("the audio is longer than the duration limit"))
UNREADABLE = Failure("voice_unreadable", gettext_noop("the audio could not be decoded"))
NO_SPEECH = Failure("voice_no_speech", gettext_noop("no speech was heard in the audio"))
# The server's fault (its model directory missing, the transcriber failing): staff still get the message.
NOT_TRANSCRIBED = Failure("voice_transcription_failed", gettext_noop("the server could not transcribe the audio"))


class NotTranscribed(Exception):
    def __init__(self, failure: Failure, detail: str) -> None:
        super().__init__(f"{failure.code}: {detail}")
        self.failure = failure


def spoken_attachment(metadata: dict[str, Any]) -> dict[str, Any] | None:
    """The message's first voice note or audio file, as its metadata holds it."""
    attachments = metadata.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict) and attachment.get("type") in SPOKEN:
            return attachment
    return None


def is_transcribable(platform_name: str, kind: str, metadata: dict[str, Any]) -> bool:
    """A new customer message the agent answers that carries speech, on a platform we can download it from."""
    spec = find_platform(platform_name)
    return (
        kind not in Kind.NOT_ANSWERED
        and spec is not None
        and spec.fetch_media is not None
        and spoken_attachment(metadata) is not None
    )


def transcribe_message(message_id: int) -> None:
    """Run by the worker's task (tasks.py). A temporary refusal by the platform raises MediaUnavailable with
    `temporary` set, for the task to try again; after its last try, the task calls give_up."""
    message = pending(message_id).select_related("connection").first()
    if message is None:
        logger.info("message %s has no voice note waiting to be transcribed", message_id)
        return
    try:
        transcript = _transcript(message)
    except NotTranscribed as error:
        logger.warning("voice note of message %s not transcribed: %s", message_id, error)
        record_failure(message_id, error.failure)
        return
    record_transcript(message_id, transcript)


def _transcript(message: Message) -> str:
    attachment = spoken_attachment(message.metadata) or {}
    spec = find_platform(message.connection.platform)
    if spec is None or spec.fetch_media is None:
        raise NotTranscribed(FETCH_FAILED, f"{message.connection.platform} has no way to download media")
    duration = attachment.get("duration")
    if isinstance(duration, int | float) and duration > settings.PARLEY_VOICE_MAX_SECONDS:
        raise NotTranscribed(TOO_LONG, f"{duration} s stated by the platform")
    try:
        audio = spec.fetch_media(message.connection, attachment, settings.PARLEY_VOICE_MAX_BYTES)
    except MediaTooLarge as error:
        raise NotTranscribed(TOO_LARGE, error.reason) from error
    except MediaUnavailable as error:
        if error.temporary:
            raise
        raise NotTranscribed(FETCH_FAILED, error.reason) from error
    try:
        transcript = speech_to_text.transcribe(audio, max_seconds=settings.PARLEY_VOICE_MAX_SECONDS)
    except speech_to_text.AudioTooLong as error:
        raise NotTranscribed(TOO_LONG, str(error)) from error
    except speech_to_text.AudioUnreadable as error:
        raise NotTranscribed(UNREADABLE, str(error)) from error
    except Exception as error:
        # Raised again on every try (the sweeper's too): the message would wait for ever.
        logger.exception("transcribing the voice note of message %s failed", message.pk)
        raise NotTranscribed(NOT_TRANSCRIBED, f"{type(error).__name__}: {error}") from error
    if not any(character.isalnum() for character in transcript.text):
        raise NotTranscribed(NO_SPEECH, f"{transcript.seconds:.1f} s of audio")
    return transcript.text


def pending(message_id: int) -> QuerySet[Message]:
    return Message.objects.filter(pk=message_id, transcription=Message.Transcription.PENDING)


def record_transcript(message_id: int, transcript: str) -> None:
    """The transcript becomes the message's text, the words the agent reads; then the conversation's turn."""
    words = redact(transcript)
    with transaction.atomic():
        updated = pending(message_id).update(transcription=Message.Transcription.DONE, transcript=words, text=words)
        if updated:
            transaction.on_commit(lambda: enqueue_waiting_turn(message_id))


def record_failure(message_id: int, failure: Failure) -> None:
    with transaction.atomic():
        message = pending(message_id).select_for_update().first()
        if message is None:
            return
        message.transcription = Message.Transcription.FAILED
        message.error_code, message.error_detail = failure.code, failure.reason
        message.save(update_fields=["transcription", "error_code", "error_detail"])
        hand_to_staff([message.conversation_id])


def give_up(message_id: int, error: MediaUnavailable) -> None:
    """The platform kept refusing for now, try after try: staff take it from here."""
    logger.warning("voice note of message %s not fetched after retries: %s", message_id, error.reason)
    record_failure(message_id, FETCH_FAILED)


def enqueue_waiting_turn(message_id: int) -> None:
    """The turn of the conversation's latest customer message: it answers this one too, and any message
    whose own turn found this one pending and left it to us."""
    message = Message.objects.filter(pk=message_id).values("conversation_id").first()
    if message is None:
        return
    latest = (
        Message.objects.filter(
            conversation_id=message["conversation_id"], direction=Message.Direction.INBOUND, id__gte=message_id
        )
        .exclude(kind__in=Kind.NOT_ANSWERED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest is not None:
        enqueue(ANSWER_MESSAGE, latest)
