"""Where Twilio's webhooks are read: one form-encoded message, or one status callback, per request.

SMS, MMS and WhatsApp share the format; WhatsApp addresses carry a `whatsapp:` prefix, which the
contact id keeps so that the reply goes back on the channel the customer wrote on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations.events import (
    Attachment,
    CustomerMessage,
    DeliveryState,
    Ignored,
    InboundEvent,
    Kind,
    MalformedPayload,
    StatusUpdate,
)

from ..coordinates import coordinates

STATES = {
    "sent": DeliveryState.SENT,
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.READ,
    "undelivered": DeliveryState.FAILED,
    "failed": DeliveryState.FAILED,
}
# What staff need to know about the failures a reply most often meets; others keep Twilio's code only.
ERROR_MEANINGS = {
    "21610": "the customer has opted out (replied STOP)",
    "30003": "the handset is unreachable",
    "30005": "the number is unknown or no longer exists",
    "30006": "the number is a landline or unreachable carrier",
    "30007": "the carrier filtered the message",
    "63016": "outside the WhatsApp 24-hour window: only an approved template may be sent",
}
ATTACHMENT_TYPES = {"image": "image", "audio": "audio", "video": "video"}
CONTACT_CARD_TYPES = frozenset({"text/vcard", "text/x-vcard", "text/directory"})
# Twilio delivers at most 10 media per message; a larger NumMedia is not Twilio's and is not trusted.
MAX_MEDIA = 10


def parse_request(form: Mapping[str, str]) -> list[InboundEvent]:
    # SmsMessageSid and SmsSid duplicate MessageSid for older integrations.
    message_id = form.get("MessageSid") or form.get("SmsMessageSid") or form.get("SmsSid") or ""
    if not message_id:
        raise MalformedPayload("no MessageSid")
    if "MessageStatus" in form and "Body" not in form:
        return [_status(form, message_id)]
    sender = form.get("From", "")
    if not sender:
        raise MalformedPayload("no From")
    try:
        return [_customer_message(form, message_id, sender)]
    except ValueError as error:
        raise MalformedPayload(f"unreadable field: {error}") from error


def _status(form: Mapping[str, str], message_id: str) -> InboundEvent:
    status = form["MessageStatus"]
    state = STATES.get(status)
    if state is None:
        # queued, accepted, sending, received...: nothing a customer has seen yet.
        return Ignored(f"status {status}", message_id)
    if state != DeliveryState.FAILED:
        return StatusUpdate(state, platform_message_id=message_id, recipient_id=form.get("To", ""))
    code = form.get("ErrorCode", "")
    detail = form.get("ErrorMessage") or ERROR_MEANINGS.get(code, "")
    return StatusUpdate(
        state,
        platform_message_id=message_id,
        recipient_id=form.get("To", ""),
        error_code=code,
        error_detail=f"{status}: {detail}" if detail else status,
    )


def _customer_message(form: Mapping[str, str], message_id: str, sender: str) -> CustomerMessage:
    text = form.get("Body", "")
    details = {
        key: form[field]
        for key, field in (("wa_id", "WaId"), ("reply_to", "OriginalRepliedMessageSid"))
        if form.get(field)
    }
    message = CustomerMessage(message_id, sender, text, sender_name=form.get("ProfileName", ""), details=details)
    if form.get("ButtonPayload") or form.get("ButtonText"):
        payload = form.get("ButtonPayload", "")
        return replace(
            message,
            text=form.get("ButtonText") or text or payload,
            kind=Kind.BUTTON,
            details={**details, "payload": payload},
        )
    if form.get("Latitude") and form.get("Longitude"):
        place = Attachment(
            "location",
            name=" — ".join(part for part in (form.get("Label", ""), form.get("Address", "")) if part),
            **coordinates(form["Latitude"], form["Longitude"]),
        )
        return replace(message, text="", kind=Kind.LOCATION, attachments=(place,))
    attachments = _attachments(form)
    if attachments:
        # The text sent with media is its caption: "[customer sent a photo: <caption>]".
        first, *others = attachments
        return replace(message, text="", kind=Kind.MEDIA, attachments=(replace(first, caption=text), *others))
    if text.strip():
        return message
    return replace(message, text="[customer sent a message type we cannot read]", kind=Kind.UNSUPPORTED)


def _attachments(form: Mapping[str, str]) -> list[Attachment]:
    count = int(form.get("NumMedia") or 0)
    return [
        _attachment(form.get(f"MediaUrl{index}", ""), form.get(f"MediaContentType{index}", ""))
        for index in range(min(count, MAX_MEDIA))
    ]


def _attachment(url: str, mime_type: str) -> Attachment:
    if mime_type in CONTACT_CARD_TYPES:
        return Attachment("contact", url=url, mime_type=mime_type)
    return Attachment(ATTACHMENT_TYPES.get(mime_type.partition("/")[0], "file"), url=url, mime_type=mime_type)
