"""Telegram's harness for the webhook contract (tests/support/platform_contract.py)."""

import json

from conversations.models import ChannelConnection
from tests.fake_platform import Answer, RecordedRequest
from tests.support.platform_contract import Delivery, Location, PlatformHarness, RefusedSend

BOT_TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET_TOKEN = "tg-webhook-Secret_42"
HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"
BOT = {"id": 7012345678, "is_bot": True, "first_name": "Acme Helper", "username": "acme_helper_bot"}
# Python's parser reads NaN and Infinity, which are not JSON and which PostgreSQL's jsonb refuses.
NON_FINITE_UPDATE = (
    b'{"update_id": 1, "message": {"message_id": 2, "date": -Infinity, "chat": {"id": 3, "type": "private"}, '
    b'"text": "Hi"}}'
)


def bot_api_success(request: RecordedRequest, count: int) -> Answer:
    """What the Bot API answers: the sent Message for sendMessage, `true` for sendChatAction."""
    body = request.json()
    if request.path.endswith("/sendMessage"):
        chat = {"id": body["chat_id"], "type": "private"}
        message = {"message_id": 5000 + count, "from": BOT, "chat": chat, "date": 1749813605, "text": body["text"]}
        return Answer(200, {"ok": True, "result": message})
    return Answer(200, {"ok": True, "result": True})


class TelegramHarness(PlatformHarness):
    platform = "telegram"
    answered_kinds = {
        "photo_with_caption": "media",
        "voice_message": "media",
        "audio": "media",
        "video": "media",
        "document": "media",
        "sticker": "media",
        "contact": "media",
        "location": "location",
        "venue": "location",
        "group_message": "text",
        "callback_query": "button",
    }
    not_answered = ("channel_post", "message_reaction", "dice")
    unreadable_bodies = (*PlatformHarness.unreadable_bodies, b'{"update_id": 1, "message": {}}', NON_FINITE_UPDATE)
    # Telegram repeats an update answered with anything but a 200, for ever.
    unreadable_status = 200
    refused_method = "GET"
    location = Location("location", ("message", "location"), "latitude")

    def credentials(self) -> dict[str, str]:
        return {"bot_token": BOT_TOKEN, "secret_token": SECRET_TOKEN}

    def deliver(self, connection: ChannelConnection, body: bytes) -> Delivery:
        return Delivery(body, headers={HEADER: connection.credential("secret_token")})

    def api_answer(self, request: RecordedRequest, count: int) -> Answer:
        return bot_api_success(request, count)

    def sent_text(self, request: RecordedRequest) -> str | None:
        return request.json()["text"] if request.path.endswith("/sendMessage") else None

    def sent_choices(self, request: RecordedRequest) -> list[tuple[str, str]] | None:
        keyboard = request.json()["reply_markup"]["inline_keyboard"]
        return [(button["callback_data"], button["text"]) for row in keyboard for button in row]

    def pick(self, payload: str, title: str, number: int) -> bytes:
        update = self.fixture("callback_query")["body"]
        query = update["callback_query"]
        update["update_id"] += number
        query["id"], query["data"] = f"{query['id']}{number}", payload
        query["message"]["reply_markup"] = {"inline_keyboard": [[{"text": title, "callback_data": payload}]]}
        return json.dumps(update).encode()

    def temporary_refusals(self) -> dict[str, RefusedSend]:
        return {name: self.scripted_refusal(name) for name in ("send_throttled", "send_server_error")}

    def permanent_refusals(self) -> dict[str, RefusedSend]:
        return {name: self.scripted_refusal(name) for name in ("send_blocked", "send_chat_not_found")}

    def scripted_refusal(self, name: str) -> RefusedSend:
        fixture = self.fixture(name)
        response, expect = fixture["simulated_response"], fixture["expect"]
        code = expect.get("code", str(response["status"]))
        detail = response["body"]["description"]
        return RefusedSend(Answer(response["status"], response["body"]), code, expect.get("retry_after"), detail)

    def forgeries(self, connection: ChannelConnection, body: bytes) -> list[Delivery]:
        secret = connection.credential("secret_token")
        wrong = ["", secret[:-1] + "3", secret.upper(), secret + " "]
        return [Delivery(body), *(Delivery(body, headers={HEADER: token}) for token in wrong)]


HARNESS = TelegramHarness()
