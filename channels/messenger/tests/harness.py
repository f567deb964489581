"""Messenger's harness for the webhook contract (tests/support/platform_contract.py)."""

from channels.meta.tests.harness import MetaHarness
from tests.support.platform_contract import Location


class MessengerHarness(MetaHarness):
    platform = "messenger"
    account_key = "page_id"
    account_id = "104857361928374"
    access_token = "EAAtestpagetoken"
    answered_kinds = {
        "image_attachment": "media",
        "sticker": "media",
        "voice_message": "media",
        "location": "location",
        "postback": "button",
        "quick_reply": "button",
    }
    receipts = ("echo", "read_receipt", "delivery_receipt")
    not_answered = ("reaction", "message_edit", "unsupported_message")
    batched = "batched_entries"
    our_reply_id = "m_echo_1"
    our_reply_sent_at = 1749812346
    read_receipt = "read_receipt"
    delivered_receipt = "delivery_receipt"
    location = Location(
        "location", ("entry", 0, "messaging", 0, "message", "attachments", 0, "payload", "coordinates"), "lat"
    )
    unreadable_bodies = (
        *MetaHarness.unreadable_bodies,
        b'{"object": "page"}',
        b'{"object": "page", "entry": [{"id": "1", "time": NaN, "messaging": []}]}',
    )


HARNESS = MessengerHarness()
