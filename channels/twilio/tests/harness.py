"""Twilio's harness for the webhook contract (tests/support/platform_contract.py): signed form posts."""

import json
from urllib.parse import parse_qs, urlencode

from channels.twilio.signature import SIGNATURE_HEADER, sign
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, RecordedRequest
from tests.support.platform_contract import Delivery, Location, PlatformHarness, RefusedSend

ACCOUNT_SID = "AC1ee1b5bf859731e7a9516a7e8fad50ba"
AUTH_TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
FROM_NUMBER = "+15557654321"
HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")
FORM = "application/x-www-form-urlencoded"


def form_fields(raw: bytes | str) -> dict[str, list[str]]:
    """A form body as Twilio and Django read it: blank values are parameters too."""
    return parse_qs(raw.decode("latin-1") if isinstance(raw, bytes) else raw, keep_blank_values=True)


def message_created(request: RecordedRequest, count: int) -> Answer:
    """What Twilio answers for an accepted message: 201 with the new message resource."""
    form = sent_form(request)
    sid = f"SMfake{count:026d}"
    return Answer(
        201,
        {
            "sid": sid,
            "account_sid": ACCOUNT_SID,
            "to": form.get("To"),
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "error_code": None,
            "error_message": None,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        },
    )


def sent_form(request: RecordedRequest) -> dict[str, str]:
    return {name: values[-1] for name, values in form_fields(request.body).items()}


class TwilioHarness(PlatformHarness):
    platform = "twilio"
    text_message = "whatsapp_text_message"
    answered_kinds = {
        "sms_text_message": "text",
        "whatsapp_image_with_caption": "media",
        "whatsapp_voice_note": "media",
        "mms_photo_and_contact_card": "media",
        "mms_pdf_document": "media",
        "whatsapp_location": "location",
        "whatsapp_button_reply": "button",
    }
    receipts = ("status_queued", "status_sent", "status_delivered", "status_read_whatsapp")
    not_answered = ("whatsapp_unsupported",)
    our_reply_id = "SM205ef0616ed503237922ac2987136a4b"
    read_receipt = "status_read_whatsapp"
    delivered_receipt = "status_delivered"
    window_closed_status = ("status_failed_outside_window", "63016")
    unreadable_bodies = (b"", b"Body=hello&From=%2B15551234567", b"MessageSid=SMx&From=%2B1&NumMedia=two")
    refused_method = "GET"
    location = Location("whatsapp_location", (), "Latitude")
    posts_json = False

    def credentials(self) -> dict[str, str]:
        return {"account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": FROM_NUMBER}

    def deliver(self, connection: ChannelConnection, body: bytes) -> Delivery:
        signature = sign(connection.credential("auth_token"), connection.webhook_url(), form_fields(body))
        return Delivery(body, FORM, {HEADER: signature})

    def api_answer(self, request: RecordedRequest, count: int) -> Answer:
        return message_created(request, count)

    def sent_text(self, request: RecordedRequest) -> str | None:
        return sent_form(request).get("Body")

    def pick(self, payload: str, title: str, number: int) -> bytes:
        """SMS has no buttons: the customer answers the numbered lines with a number."""
        fields = {name: values[-1] for name, values in form_fields(self.raw(self.text_message)).items()}
        fields.update(Body=str(number), MessageSid=f"SM{number:032x}", SmsSid=f"SM{number:032x}")
        fields["SmsMessageSid"] = fields["SmsSid"]
        return urlencode(fields).encode()

    def temporary_refusals(self) -> dict[str, RefusedSend]:
        return {name: self.scripted_refusal(name) for name in ("throttled", "server_error")}

    def permanent_refusals(self) -> dict[str, RefusedSend]:
        names = ("unsubscribed", "invalid_number", "outside_window", "bad_credentials")
        return {name: self.scripted_refusal(name) for name in names}

    def scripted_refusal(self, name: str) -> RefusedSend:
        response = self.fixture("outbound_errors")["responses"][name]
        retry_after = response["headers"].get("Retry-After")
        answer = Answer(response["status"], response["body"], response["headers"])
        code = str(response["body"]["code"])
        return RefusedSend(answer, code, retry_after and int(retry_after), response["body"]["message"])

    def forgeries(self, connection: ChannelConnection, body: bytes) -> list[Delivery]:
        another = sign("another-auth-token", connection.webhook_url(), form_fields(body))
        wrong = ["", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "not base64 at all", another]
        return [Delivery(body, FORM), *(Delivery(body, FORM, {HEADER: signature}) for signature in wrong)]

    def from_json(self, body: bytes) -> bytes:
        try:
            fields = {str(key): str(value) for key, value in json.loads(body).items()}
        except (ValueError, AttributeError):
            fields = {"Body": body.decode("latin-1")}
        return urlencode(fields).encode()


HARNESS = TwilioHarness()
