"""Every console page is a member's only: others get "not found", visitors the login page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from business.models import Business
from conversations.models import Conversation, Message

GET_PAGES = ["inbox", "export", "playground", "transcript", "export-conversation", "annotate"]
POST_ACTIONS = ["take-over", "hand-back", "reply", "to-faq", "playground-start-over"]
CONVERSATION_PAGES = ["transcript", "export-conversation", "annotate", "take-over", "hand-back", "reply", "to-faq"]


def console_url(name: str, rows: dict, conversation=None) -> str:
    slug = rows[Business].slug
    conversation = conversation or rows[Conversation]
    reply = conversation.messages.filter(author=Message.Author.AGENT).first()
    args = {
        "inbox": [slug], "export": [slug, "json"], "playground": [slug], "playground-start-over": [slug],
        "transcript": [slug, conversation.pk], "export-conversation": [slug, conversation.pk, "csv"],
        "take-over": [slug, conversation.pk], "hand-back": [slug, conversation.pk], "reply": [slug, conversation.pk],
        "annotate": [slug, conversation.pk, reply.pk], "to-faq": [slug, conversation.pk, reply.pk],
    }[name]  # fmt: skip
    return reverse(f"console:{name}", args=args)


def fetch(client, name: str, url: str):
    return client.post(url, {"text": "hello"}) if name in POST_ACTIONS else client.get(url)


@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_a_visitor_is_sent_to_the_login_page(client, shop, name):
    page = fetch(client, name, console_url(name, shop))
    assert page.status_code == 302 and page.url.startswith(reverse("console:login"))


@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_another_businesss_pages_are_not_found(client, operator, rival, name):
    client.force_login(operator)
    assert fetch(client, name, console_url(name, rival)).status_code == 404
    assert rival[Conversation].status == Conversation.Status.NEEDS_HUMAN
    assert not rival[Conversation].messages.filter(author=Message.Author.OPERATOR).exists()


@pytest.mark.parametrize("name", CONVERSATION_PAGES)
def test_another_businesss_conversation_is_not_found_under_ones_own_business(client, operator, shop, rival, name):
    client.force_login(operator)
    url = console_url(name, shop).replace(f"/c/{shop[Conversation].pk}/", f"/c/{rival[Conversation].pk}/")
    assert fetch(client, name, url).status_code == 404


@pytest.mark.parametrize("name", GET_PAGES)
def test_a_member_opens_every_page(client, operator, shop, name):
    client.force_login(operator)
    assert fetch(client, name, console_url(name, shop)).status_code == 200


def test_the_inbox_and_its_export_list_only_the_business_conversations(client, operator, shop, rival):
    client.force_login(operator)
    inbox = client.get(console_url("inbox", shop)).content.decode()
    assert "Shop Kim" in inbox and "Rival" not in inbox
    exported = client.get(console_url("export", shop)).json()
    assert [c["customer"] for c in exported["conversations"]] == ["Shop Kim"]


def test_a_superuser_reaches_every_business(client, admin_user, rival):
    client.force_login(admin_user)
    assert client.get(console_url("transcript", rival)).status_code == 200


def test_an_unknown_export_format_is_not_found(client, operator, shop):
    client.force_login(operator)
    assert client.get(f"/console/{shop[Business].slug}/export.xml").status_code == 404
