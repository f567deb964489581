"""Twilio's Messages API: `POST {api_base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded.

One connection is one Twilio sender number. A customer who wrote on WhatsApp has a `whatsapp:`
contact id, and the reply goes from the same number with the same prefix; an SMS customer gets SMS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_noop

from conversations.sending import PermanentSendError, Sent, TemporarySendError

from .. import api_calls

if TYPE_CHECKING:
    from conversations.models import ChannelConnection

TWILIO_API_BASE = "https://api.twilio.com"
WHATSAPP_PREFIX = "whatsapp:"
# "Too Many Requests" and the WhatsApp per-channel rate limit: both pass with time.
TRANSIENT_CODES = frozenset({20429, 63018})


def sender_address(from_number: str, recipient_id: str) -> str:
    number = from_number.removeprefix(WHATSAPP_PREFIX)
    return WHATSAPP_PREFIX + number if recipient_id.startswith(WHATSAPP_PREFIX) else number


def send_text(connection: ChannelConnection, recipient_id: str, text: str) -> Sent:
    account_sid = connection.credential("account_sid")
    url = f"{api_calls.base_url(connection, TWILIO_API_BASE)}/2010-04-01/Accounts/{account_sid}/Messages.json"
    form = {
        "To": recipient_id,
        "From": sender_address(connection.credential("from_number"), recipient_id),
        "Body": text,
        # Delivery statuses come back signed to this connection's own webhook.
        "StatusCallback": connection.webhook_url(),
    }
    response = api_calls.post(url, data=form, auth=(account_sid, connection.credential("auth_token")))
    body = api_calls.json_object(response)
    if response.is_success and body.get("sid"):
        return Sent(platform_message_id=str(body["sid"]))
    if response.is_success:
        raise PermanentSendError(gettext_noop("Twilio answered without a message sid"), code="no_sid")
    code = body.get("code")
    reason = api_calls.refusal_reason(response, body.get("message"))
    label = str(code or response.status_code)
    if response.status_code == 429 or response.status_code >= 500 or code in TRANSIENT_CODES:
        raise TemporarySendError(reason, code=label, retry_after=api_calls.retry_after(response))
    # 21610 opted out (STOP), 21211 invalid number, 63016 outside the WhatsApp window, 20003 bad credentials...
    raise PermanentSendError(reason, code=label)
