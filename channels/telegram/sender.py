"""Telegram's Bot API: `POST {api_base}/bot<token>/<method>` with a JSON body, answered `{"ok": ..}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop

from conversations.choices import Choice, cut_title
from conversations.sending import PermanentSendError, Sent, TemporarySendError

from .. import api_calls
from .formatting import PARSE_MODE

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

TELEGRAM_API_BASE = "https://api.telegram.org"
# Telegram sets no limit on a button's text, but a phone shows about this much of it.
BUTTON_TEXT_LIMIT = 40
MAX_CHOICES = 10


def send_text(connection: ChannelConnection, chat_id: str, text: str) -> Sent:
    return _sent(chat_id, call(connection, "sendMessage", _message(chat_id, text)))


def _message(chat_id: str, text: str) -> dict[str, Any]:
    # The text is rendered as Telegram HTML by formatting.py, as every reply part is.
    return {"chat_id": _chat_id(chat_id), "text": text, "parse_mode": PARSE_MODE}


def _sent(chat_id: str, result: Any) -> Sent:
    if not isinstance(result, dict) or "message_id" not in result:
        raise PermanentSendError(gettext_noop("sendMessage answered without a message"), code="no_message_id")
    # Telegram numbers messages per chat: the chat makes the id unique, as for inbound messages.
    return Sent(platform_message_id=f"{chat_id}:{result['message_id']}")


def send_choices(connection: ChannelConnection, chat_id: str, text: str, choices: Sequence[Choice]) -> Sent:
    """The reply with an inline keyboard, one button a row: a tap comes back as a callback_query
    carrying the choice's id as its callback_data (at most 64 bytes, as choice ids are)."""
    keyboard = [
        [{"text": cut_title(choice.title, BUTTON_TEXT_LIMIT), "callback_data": choice.id}] for choice in choices
    ]
    return _sent(
        chat_id,
        call(connection, "sendMessage", {**_message(chat_id, text), "reply_markup": {"inline_keyboard": keyboard}}),
    )


def send_typing(connection: ChannelConnection, chat_id: str) -> None:
    call(connection, "sendChatAction", {"chat_id": _chat_id(chat_id), "action": "typing"})


def callback_answer(callback_query_id: str) -> dict[str, str]:
    """answerCallbackQuery as a webhook answer: Telegram runs a method named in the response body."""
    return {"method": "answerCallbackQuery", "callback_query_id": callback_query_id}


def call(connection: ChannelConnection, method: str, payload: dict[str, Any]) -> Any:
    """The method's `result`; Telegram's errors sorted into those worth retrying and those not."""
    # The URL holds the bot token: it must never appear in an error we store or log.
    url = f"{api_calls.base_url(connection, TELEGRAM_API_BASE)}/bot{connection.credential('bot_token')}/{method}"
    response = api_calls.post(url, json=payload)
    body = api_calls.json_object(response)
    if response.is_success and body.get("ok") is True:
        return body.get("result")
    code = body.get("error_code") or response.status_code
    reason = api_calls.refusal_reason(response, body.get("description"))
    if code == 429 or response.status_code == 429 or response.status_code >= 500:
        raise TemporarySendError(reason, code=str(code), retry_after=_retry_after(body))
    # 400 (bad request, chat not found), 401/404 (wrong token), 403 (blocked by the user, kicked).
    raise PermanentSendError(reason, code=str(code))


def _chat_id(chat_id: str) -> int | str:
    """Chat ids are integers (negative for groups); a channel may also be named "@username"."""
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _retry_after(body: dict[str, Any]) -> float | None:
    parameters = body.get("parameters")
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(retry_after) if isinstance(retry_after, int | float) else None
