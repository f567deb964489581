"""A Telegram voice note that cannot be transcribed: each failure is recorded on the message with its reason and the
conversation goes to staff; nothing is lost and the customer gets no guess. (The transcription itself is shared with
WhatsApp's OGG/Opus voice notes, tested there.)"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest

from conversations.models import Conversation, Message
from tests.fake_platform import Answer, FakePlatformServer, serving
from tests.support import spoken_audio
from tests.support.voice_notes import receive, transcribed

from .harness import BOT_TOKEN, HARNESS, bot_api_success

FILE_PATH = "voice/file_12.oga"
DOWNLOAD_PATH = f"/file/bot{BOT_TOKEN}/{FILE_PATH}"
GET_FILE_PATH = f"/bot{BOT_TOKEN}/getFile"


def found_file(size: int) -> Answer:
    """getFile's answer: the File, with the path to download it from."""
    file = {"file_id": "AgACAgQAAxkBAAIRv1ZmQ4k2Jd0a1x", "file_unique_id": "AQADv1sxGw", "file_size": size}
    return Answer(200, {"ok": True, "result": {**file, "file_path": FILE_PATH}})


def bot_api(download: Answer, get_file: Answer | None = None) -> FakePlatformServer:
    server = FakePlatformServer()
    server.default = serving(
        {GET_FILE_PATH: get_file or found_file(len(download.body)), DOWNLOAD_PATH: download}, otherwise=bot_api_success
    )
    return server


@pytest.fixture
def serve() -> Iterator:
    servers: list[FakePlatformServer] = []

    def start(download: Answer, get_file: Answer | None = None) -> FakePlatformServer:
        servers.append(bot_api(download, get_file))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def voice_note(client, business, api: FakePlatformServer) -> Message:
    return transcribed(receive(client, HARNESS, HARNESS.connect(business, api.url), HARNESS.raw("voice_message")))


def assert_handed_to_staff(message: Message, code: str) -> None:
    assert (message.transcription, message.error_code) == (Message.Transcription.FAILED, code)
    assert message.error_detail and message.text == "[customer sent a voice message]"
    assert message.conversation.status == Conversation.Status.NEEDS_HUMAN


def test_a_voice_note_telegram_says_is_too_large_or_too_long_is_never_requested(client, business, serve, settings):
    api = serve(Answer(200, spoken_audio("ogg")))
    settings.PARLEY_VOICE_MAX_BYTES = 5000  # the update states 9,876 bytes
    assert_handed_to_staff(voice_note(client, business, api), "voice_too_large")
    Message.objects.all().delete()
    settings.PARLEY_VOICE_MAX_BYTES, settings.PARLEY_VOICE_MAX_SECONDS = 10**6, 2  # and 3 seconds
    assert_handed_to_staff(voice_note(client, business, api), "voice_too_long")
    assert api.requests == []


def test_a_file_telegram_will_not_give_is_recorded_with_the_reason(client, business, serve):
    refusal = Answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: file is too big"})
    api = serve(Answer(200, spoken_audio("ogg")), get_file=refusal)
    assert_handed_to_staff(voice_note(client, business, api), "voice_fetch_failed")
    assert [request.path for request in api.requests] == [GET_FILE_PATH]
    assert json.loads(api.requests[0].body) == {"file_id": "AgACAgQAAxkBAAIRv1ZmQ4k2Jd0a1x"}


def test_a_download_refused_for_good_is_not_tried_again(client, business, serve):
    api = serve(Answer(404, {"ok": False, "error_code": 404, "description": "Not Found"}))
    assert_handed_to_staff(voice_note(client, business, api), "voice_fetch_failed")
    assert [request.path for request in api.requests] == [GET_FILE_PATH, DOWNLOAD_PATH]


def test_a_download_failing_for_now_is_tried_again_then_handed_to_staff(client, business, serve):
    api = serve(Answer(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"}))
    assert_handed_to_staff(voice_note(client, business, api), "voice_fetch_failed")
    assert [request.path for request in api.requests].count(DOWNLOAD_PATH) == 4  # the first try and 3 more


# A 1×1 PNG: a file FFmpeg reads, with no audio stream in it.
PHOTO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize("content", [spoken_audio("ogg")[:200] + bytes(3000), PHOTO], ids=["corrupt", "photo"])
def test_a_file_that_is_not_audio_is_recorded_as_undecodable(client, business, serve, content):
    assert_handed_to_staff(voice_note(client, business, serve(Answer(200, content))), "voice_unreadable")
