"""Instagram's harness for the webhook contract (tests/support/platform_contract.py)."""

from channels.meta.tests.harness import MetaHarness


class InstagramHarness(MetaHarness):
    platform = "instagram"
    account_key = "page_id"
    account_id = "17841400123456789"
    access_token = "EAAinstagrampagetoken"
    window_closed_subcode = 2534022
    answered_kinds = {
        "image": "media",
        "audio": "media",
        "shared_reel": "media",
        "shared_post": "media",
        "story_mention": "media",
        "story_reply": "text",
        "postback": "button",
        "quick_reply": "button",
    }
    receipts = ("echo", "seen")
    not_answered = ("reaction", "message_edit", "unsupported_message")
    batched = "batched_entries"
    our_reply_id = "m_ig_fake_2"
    read_receipt = "seen"
    # A Messenger delivery sent to an Instagram webhook.
    unreadable_bodies = (*MetaHarness.unreadable_bodies, b'{"object": "page", "entry": []}')


HARNESS = InstagramHarness()
