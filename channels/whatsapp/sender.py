"""The Cloud API's messages endpoint: `POST {api_base}/{version}/{phone_number_id}/messages`."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_noop, pgettext

from conversations.choices import Choice, cut_title
from conversations.events import Kind
from conversations.models import ChannelConnection, Message
from conversations.sending import PermanentSendError, Sent

from ..meta import graph

logger = logging.getLogger(__name__)

# The Cloud API's interactive messages: 3 reply buttons (titles of 20 characters) or a list of 10 rows
# (titles of 24, descriptions of 72), under a body of 1024 characters.
MAX_BUTTONS = 3
MAX_LIST_ROWS = 10
BUTTON_TITLE_LIMIT = 20
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
INTERACTIVE_BODY_LIMIT = 1024


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    body = _post(connection, {**_addressed(recipient_id), "type": "text", "text": {"body": text, "preview_url": False}})
    return _message_id(body)


def send_template(connection: ChannelConnection, recipient_id: str, template: Mapping[str, Any]) -> Sent:
    """An approved template by name and language: its body's {{n}} get `parameters`, its quick-reply buttons
    (in their order at Meta) the payloads in `buttons`, which come back when the customer taps one."""
    components: list[dict[str, Any]] = []
    if template.get("parameters"):
        parameters = [{"type": "text", "text": str(value)} for value in template["parameters"]]
        components.append({"type": "body", "parameters": parameters})
    for index, payload in enumerate(template.get("buttons") or ()):
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": str(payload)}],
            }
        )
    content: dict[str, Any] = {"name": template["name"], "language": {"code": template["language"]}}
    if components:
        content["components"] = components
    return _message_id(_post(connection, {**_addressed(recipient_id), "type": "template", "template": content}))


def _addressed(recipient_id: str) -> dict[str, str]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": recipient_id}


def _message_id(body: dict[str, Any]) -> Sent:
    messages = body.get("messages")
    wamid = messages[0].get("id") if isinstance(messages, list) and messages and isinstance(messages[0], dict) else None
    if not wamid:
        raise PermanentSendError(gettext_noop("the Cloud API answered without a message id"), code="no_message_id")
    return Sent(platform_message_id=str(wamid))


def send_choices(connection: ChannelConnection, recipient_id: str, text: str, choices: Sequence[Choice]) -> Sent:
    """Up to 3 choices as reply buttons, up to 10 as a list; a tap comes back as an interactive
    button_reply or list_reply whose id is the choice's."""
    if len(choices) <= MAX_BUTTONS:
        buttons = [
            {"type": "reply", "reply": {"id": choice.id, "title": cut_title(choice.title, BUTTON_TITLE_LIMIT)}}
            for choice in choices
        ]
        interactive: dict[str, Any] = {"type": "button", "body": {"text": text}, "action": {"buttons": buttons}}
    else:
        interactive = {
            "type": "list",
            "body": {"text": text},
            "action": {
                "button": cut_title(pgettext("reply button", "Choose"), BUTTON_TITLE_LIMIT),
                "sections": [{"rows": [_row(choice) for choice in choices]}],
            },
        }
    return _message_id(
        _post(connection, {**_addressed(recipient_id), "type": "interactive", "interactive": interactive})
    )


def _row(choice: Choice) -> dict[str, str]:
    title = cut_title(choice.title, ROW_TITLE_LIMIT)
    row = {"id": choice.id, "title": title}
    if title != choice.title:
        # The row's description shows the rest of a title too long for the row.
        row["description"] = cut_title(choice.title, ROW_DESCRIPTION_LIMIT)
    return row


def send_typing(connection: ChannelConnection, recipient_id: str) -> None:
    """WhatsApp shows typing by marking the customer's message read, so it needs that message's wamid."""
    wamid = last_turn_id(connection, recipient_id)
    if wamid is None:
        logger.info("no message of %s to mark read on connection %s: no typing indicator", recipient_id, connection.pk)
        return
    _post(
        connection,
        {"messaging_product": "whatsapp", "status": "read", "message_id": wamid, "typing_indicator": {"type": "text"}},
    )


def last_turn_id(connection: ChannelConnection, recipient_id: str) -> str | None:
    """The wamid of the customer's latest message that is a turn (not a reaction or an edit)."""
    return (
        Message.objects.filter(
            connection=connection,
            direction=Message.Direction.INBOUND,
            conversation__contact__platform_user_id=recipient_id,
            platform_message_id__isnull=False,
        )
        .exclude(kind__in=Kind.NOT_ANSWERED)
        .order_by("-created_at", "-id")
        .values_list("platform_message_id", flat=True)
        .first()
    )


def _post(connection: ChannelConnection, payload: dict[str, Any]) -> dict[str, Any]:
    phone_number_id = connection.credential("phone_number_id")
    if not phone_number_id:
        reason = gettext_noop("the connection has no phone_number_id to send from")
        raise PermanentSendError(reason, code="no_phone_number_id")
    return graph.post(connection, f"{phone_number_id}/messages", payload)
