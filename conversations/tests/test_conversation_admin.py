"""Conversations in the admin are read, never added or changed there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.models import ChannelConnection, Contact, Conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(business) -> Conversation:
    connection = ChannelConnection.objects.create(business=business, platform="webchat", name="Site")
    contact = Contact.objects.create(connection=connection, platform_user_id="visitor-1")
    return Conversation.objects.create(business=business, connection=connection, contact=contact)


def test_no_conversation_can_be_added(staff_client, conversation):
    listing = staff_client.get(reverse("admin:conversations_conversation_changelist")).content.decode()
    assert reverse("admin:conversations_conversation_change", args=[conversation.pk]) in listing
    assert reverse("admin:conversations_conversation_add") not in listing
    assert staff_client.get(reverse("admin:conversations_conversation_add")).status_code == 403


def test_the_conversation_page_has_no_field_to_change(staff_client, conversation):
    html = staff_client.get(reverse("admin:conversations_conversation_change", args=[conversation.pk])).content.decode()
    assert 'name="status"' not in html and 'name="contact"' not in html and 'name="connection"' not in html
    assert 'name="_save"' not in html


def test_a_post_that_changes_the_status_is_refused(staff_client, conversation):
    url = reverse("admin:conversations_conversation_change", args=[conversation.pk])
    data = {"business": conversation.business_id, "connection": conversation.connection_id,
            "contact": conversation.contact_id, "status": Conversation.Status.NEEDS_HUMAN,
            "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0"}  # fmt: skip
    assert staff_client.post(url, data).status_code == 403
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.BOT
