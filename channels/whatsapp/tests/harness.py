"""WhatsApp's harness for the webhook contract (tests/support/platform_contract.py)."""

import json

from channels.meta.tests.harness import MetaHarness
from tests.fake_platform import Answer, RecordedRequest
from tests.support.platform_contract import SERVER_ERROR, Location, RefusedSend


def cloud_api_success(request: RecordedRequest, count: int) -> Answer:
    """What the Cloud API answers: `{"success": true}` to a read/typing call, the new wamid to a send."""
    body = request.json()
    if body.get("status") == "read":
        return Answer(200, {"success": True})
    return Answer(
        200,
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": f"wamid.fake_{count}"}],
        },
    )


def cloud_api_refusal(status: int, code: int, message: str) -> RefusedSend:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"}
    return RefusedSend(Answer(status, {"error": error}), str(code), detail=message)


class WhatsAppHarness(MetaHarness):
    platform = "whatsapp"
    account_key = "phone_number_id"
    account_id = "113355779900246"
    access_token = "EAAwhatsappsystemusertoken"
    answered_kinds = {
        "image_with_caption": "media",
        "voice_message": "media",
        "video_message": "media",
        "document_message": "media",
        "sticker": "media",
        "contact_card": "media",
        "location": "location",
        "button_reply": "button",
        "list_reply": "button",
        "template_button": "button",
    }
    receipts = ("status_read", "template_status_update", "platform_error")
    not_answered = ("reaction", "edited_message", "unsupported_message")
    batched = "batched_messages"
    our_reply_id = "wamid.fake_2"
    read_receipt = "status_read"
    delivered_receipt = "status_delivered"
    window_closed_status = ("status_failed_window_closed", "131047")
    location = Location("location", ("entry", 0, "changes", 0, "value", "messages", 0, "location"), "latitude")
    unreadable_bodies = (
        *MetaHarness.unreadable_bodies,
        b'{"object": "page", "entry": []}',
        b'{"object": "whatsapp_business_account"}',
    )

    def temporary_refusals(self) -> dict[str, RefusedSend]:
        return {
            "server error": SERVER_ERROR,
            "throughput": cloud_api_refusal(400, 130429, "(#130429) Rate limit hit"),
            "pair rate limit": cloud_api_refusal(
                400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit"
            ),
            "account rate limit": cloud_api_refusal(429, 80007, "(#80007) Rate limit issues"),
        }

    def permanent_refusals(self) -> dict[str, RefusedSend]:
        return {
            "window closed": cloud_api_refusal(400, 131047, "(#131047) Re-engagement message"),
            "undeliverable": cloud_api_refusal(400, 131026, "(#131026) Message undeliverable"),
            "expired token": cloud_api_refusal(401, 190, "Error validating access token: Session has expired"),
        }

    def api_answer(self, request: RecordedRequest, count: int) -> Answer:
        return cloud_api_success(request, count)

    def sent_text(self, request: RecordedRequest) -> str | None:
        body = request.json()
        return (
            body["interactive"]["body"]["text"]
            if body.get("type") == "interactive"
            else body.get("text", {}).get("body")
        )

    def sent_choices(self, request: RecordedRequest) -> list[tuple[str, str]] | None:
        interactive = request.json()["interactive"]
        if interactive["type"] == "button":
            return [(button["reply"]["id"], button["reply"]["title"]) for button in interactive["action"]["buttons"]]
        return [(row["id"], row["title"]) for row in interactive["action"]["sections"][0]["rows"]]

    def pick(self, payload: str, title: str, number: int) -> bytes:
        body = self.fixture("button_reply")["body"]
        message = body["entry"][0]["changes"][0]["value"]["messages"][0]
        message["id"] = f"wamid.pick{number}"
        message["interactive"]["button_reply"] = {"id": payload, "title": title}
        return json.dumps(body).encode()


HARNESS = WhatsAppHarness()
