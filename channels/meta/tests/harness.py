"""The webhook contract's harness for Meta's platforms: one Graph API app, signed with X-Hub-Signature-256."""

from __future__ import annotations

import json
from typing import ClassVar

from channels.meta.signature import SIGNATURE_HEADER, sign
from conversations.models import ChannelConnection
from tests.fake_platform import Answer, RecordedRequest, graph_send_success
from tests.support import MESSENGER_SECRET, MESSENGER_VERIFY_TOKEN
from tests.support.platform_contract import Delivery, PlatformHarness, RefusedSend

HEADER = "HTTP_" + SIGNATURE_HEADER.upper().replace("-", "_")


class MetaHarness(PlatformHarness):
    # The credential naming the Page, Instagram account or phone number a delivery is for.
    account_key: ClassVar[str]
    account_id: ClassVar[str]
    access_token: ClassVar[str]
    # The subcode of Graph's error 10 when a reply comes after the customer-service window.
    window_closed_subcode: ClassVar[int] = 2018278

    def credentials(self) -> dict[str, str]:
        return {
            self.account_key: self.account_id,
            "access_token": self.access_token,
            "app_secret": MESSENGER_SECRET,
            "verify_token": MESSENGER_VERIFY_TOKEN,
        }

    def deliver(self, connection: ChannelConnection, body: bytes) -> Delivery:
        return Delivery(body, headers={HEADER: sign(connection.credential("app_secret"), body)})

    def api_answer(self, request: RecordedRequest, count: int) -> Answer:
        return graph_send_success(request, count)

    def sent_text(self, request: RecordedRequest) -> str | None:
        return request.json().get("message", {}).get("text")

    def sent_choices(self, request: RecordedRequest) -> list[tuple[str, str]] | None:
        return [(reply["payload"], reply["title"]) for reply in request.json()["message"]["quick_replies"]]

    def pick(self, payload: str, title: str, number: int) -> bytes:
        """Messenger's and Instagram's quick reply: a message with the title as text and the payload."""
        body = self.fixture("quick_reply")["body"]
        message = body["entry"][0]["messaging"][0]["message"]
        message.update(mid=f"m_pick_{number}", text=title, quick_reply={"payload": payload})
        return json.dumps(body).encode()

    def temporary_refusals(self) -> dict[str, RefusedSend]:
        message = "(#613) Calls to this api have exceeded the rate limit."
        throttled = Answer(429, {"error": {"message": message, "code": 613}}, {"Retry-After": "7"})
        return super().temporary_refusals() | {"rate limit": RefusedSend(throttled, "613", 7)}

    def permanent_refusals(self) -> dict[str, RefusedSend]:
        message = "(#10) This message is sent outside of allowed window."
        error = {"message": message, "type": "OAuthException", "code": 10, "error_subcode": self.window_closed_subcode}
        code = f"10/{self.window_closed_subcode}"
        closed = RefusedSend(Answer(400, {"error": error}), code, detail="outside of allowed window")
        return {"window closed": closed}

    def forgeries(self, connection: ChannelConnection, body: bytes) -> list[Delivery]:
        return [
            Delivery(body),
            Delivery(body, headers={HEADER: "sha256=" + "0" * 64}),
            Delivery(body, headers={HEADER: sign("another-app-secret", body)}),
            # SHA-1 is what Meta's older X-Hub-Signature header carried.
            Delivery(body, headers={HEADER: "sha1=def010f1556d4202759a92b90558828d69c25b24"}),
        ]
