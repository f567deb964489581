"""Erasing one customer on request: nothing that names them is left anywhere, others are untouched."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from agents.models import AgentRun
from business.models import Booking, Customer, FaqEntry, Lead, Order
from console.operator_actions import add_to_knowledge, annotate
from conversations.models import ChannelConnection, Contact, Conversation, Message
from operations.models import ErasureRecord

pytestmark = pytest.mark.django_db

JEANNE = ["Jeanne", "Dupont", "jeanne.dupont@example.org", "+33611223344", "PSID-77812", "lilac cake for Basile"]


def chat(connection: ChannelConnection, contact: Contact, words: str) -> Conversation:
    conversation = Conversation.objects.create(business=connection.business, connection=connection, contact=contact)
    asked = Message.objects.create(
        conversation=conversation,
        connection=connection,
        direction="in",
        author="customer",
        text=words,
        status="received",
    )
    reply = Message.objects.create(
        conversation=conversation, connection=connection, direction="out", author="agent",
        text=f"Noted: {words}", reply_to=asked, status="sent",
    )  # fmt: skip
    AgentRun.objects.create(
        conversation=conversation, inbound_message=asked, reply=reply, model="m", outcome="replied",
        trace=[{"type": "tool", "args": {"query": words}}, {"type": "final", "text": reply.text}],
    )  # fmt: skip
    return conversation


@pytest.fixture
def jeanne(business, messenger_connection):
    whatsapp = ChannelConnection.objects.create(
        business=business, platform="whatsapp", credentials={"phone_number_id": "1"}
    )
    customer = Customer.objects.create(
        business=business,
        name="Jeanne Dupont",
        email="jeanne.dupont@example.org",
        phone="+33611223344",
        reference="c-9",
    )
    on_messenger = Contact.objects.create(
        connection=messenger_connection, platform_user_id="PSID-77812", display_name="Jeanne D.", customer=customer
    )
    on_whatsapp = Contact.objects.create(connection=whatsapp, platform_user_id="+33611223344", customer=customer)
    chat(messenger_connection, on_messenger, "I want the lilac cake for Basile")
    chat(whatsapp, on_whatsapp, "Is my lilac cake for Basile ready? Jeanne")
    Booking.objects.create(
        business=business, customer=customer, starts_at=timezone.now() + timedelta(days=2), notes="Jeanne's party"
    )
    Lead.objects.create(
        business=business, customer=customer, interest="Wedding cake", contact_detail="jeanne.dupont@example.org"
    )
    Order.objects.create(
        business=business, reference="A-77", customer=customer, updated_at=timezone.now(), total="12.00"
    )
    return customer


@pytest.fixture
def paul(business, messenger_connection):
    customer = Customer.objects.create(business=business, name="Paul Martin", phone="+33699887766")
    contact = Contact.objects.create(connection=messenger_connection, platform_user_id="PSID-555", customer=customer)
    chat(messenger_connection, contact, "Two baguettes please")
    Lead.objects.create(business=business, customer=customer, interest="Catering")
    return customer


def rows_naming(words: list[str]) -> list[str]:
    """Every row of every table whose values mention one of these words."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            text = str(row)
            found += [f"{model.__name__}: {word}" for word in words if word in text]
    return found


def test_forgetting_a_contact_leaves_no_row_that_names_the_customer(jeanne, paul):
    assert rows_naming(JEANNE)
    call_command("forget_contact", "corner-shop", "messenger", "PSID-77812")
    assert rows_naming(JEANNE) == []


def test_forgetting_removes_messages_contacts_bookings_and_leads_and_keeps_orders_unnamed(jeanne, paul):
    call_command("forget_contact", "corner-shop", "messenger", "PSID-77812")
    assert not Booking.objects.filter(customer=jeanne).exists()
    assert not Lead.objects.filter(customer=jeanne).exists()
    assert not Contact.objects.filter(customer=jeanne).exists()
    order = Order.objects.get(reference="A-77")
    assert (order.customer.name, order.customer.email, order.customer.phone) == ("", "", "")
    record = ErasureRecord.objects.get()
    assert record.removed == {
        "faq_drafts": 0, "messages": 4, "conversations": 2, "bookings": 1, "leads": 1, "contacts": 2,
        "customers_emptied": 1, "customers_deleted": 0,
    }  # fmt: skip
    assert (record.platform, record.requested_by) == ("messenger,whatsapp", "forget_contact command")


def test_forgetting_one_customer_leaves_the_others_alone(jeanne, paul):
    call_command("forget_contact", "corner-shop", "messenger", "PSID-77812")
    assert Message.objects.filter(conversation__contact__customer=paul).count() == 2
    assert Lead.objects.filter(customer=paul).exists()
    assert Customer.objects.get(pk=paul.pk).name == "Paul Martin"


def test_a_customer_without_orders_is_deleted_with_their_contact(business, paul):
    call_command("forget_contact", "corner-shop", "messenger", "PSID-555")
    assert not Customer.objects.filter(pk=paul.pk).exists()
    assert rows_naming(["Paul Martin", "PSID-555", "baguettes"]) == []


def test_an_unknown_contact_is_a_clear_error_and_erases_nothing(jeanne):
    with pytest.raises(CommandError, match="no messenger contact with the id 'PSID-0'"):
        call_command("forget_contact", "corner-shop", "messenger", "PSID-0")
    with pytest.raises(CommandError, match="no business with the slug 'nowhere'"):
        call_command("forget_contact", "nowhere", "messenger", "PSID-77812")
    assert Contact.objects.count() == 2 and not ErasureRecord.objects.exists()


def test_staff_erase_a_customer_from_the_contacts_admin_once_they_confirm(client, jeanne, paul):
    admin_user = User.objects.create_superuser("boss", "boss@example.com", "pw-123456789")
    client.force_login(admin_user)
    contact = Contact.objects.get(platform_user_id="PSID-77812")
    chosen = {"action": "erase_customer_data", "_selected_action": [contact.pk]}
    asked = client.post("/admin/conversations/contact/", chosen)
    assert (
        asked.status_code == 200
        and "cannot be undone" in asked.content.decode()
        and str(contact) in asked.content.decode()
    )
    assert rows_naming(JEANNE) != [] and not ErasureRecord.objects.exists()

    response = client.post("/admin/conversations/contact/", {**chosen, "post": "yes"}, follow=True)
    assert response.status_code == 200
    assert rows_naming(JEANNE) == []
    assert ErasureRecord.objects.get().requested_by == "boss"


def added_to_the_faq(conversation: Conversation, correct_answer: str) -> FaqEntry:
    """An operator marks the agent's reply wrong and clicks "Add to FAQ"."""
    return add_to_knowledge(annotate(conversation.messages.get(author="agent"), None, correct_answer))


def test_forgetting_a_customer_deletes_the_faq_drafts_made_from_their_words_and_keeps_what_staff_rewrote(jeanne, paul):
    on_messenger, on_whatsapp = Conversation.objects.filter(contact__customer=jeanne).order_by("id")
    added_to_the_faq(on_messenger, "Cakes are made to order.")
    rewritten = added_to_the_faq(on_whatsapp, "Orders are ready the next day.")
    rewritten.question, rewritten.published = "When is a cake order ready?", True
    rewritten.save()
    pauls = added_to_the_faq(Conversation.objects.get(contact__customer=paul), "Baguettes are 1.20 EUR.")
    assert "FaqEntry: lilac cake for Basile" in rows_naming(JEANNE)

    call_command("forget_contact", "corner-shop", "messenger", "PSID-77812")
    assert rows_naming(JEANNE) == []
    assert FaqEntry.objects.filter(pk__in=[rewritten.pk, pauls.pk]).count() == 2
    assert ErasureRecord.objects.get().removed["faq_drafts"] == 1


def test_forgetting_a_customer_deletes_an_faq_entry_published_with_their_words_still_in_it(jeanne):
    """Published around the admin, which refuses it (a script, an entry from before drafts), it was out of
    erasure's reach."""
    on_messenger, _ = Conversation.objects.filter(contact__customer=jeanne).order_by("id")
    published_as_made = added_to_the_faq(on_messenger, "Cakes are made to order.")
    FaqEntry.objects.filter(pk=published_as_made.pk).update(published=True)

    call_command("forget_contact", "corner-shop", "messenger", "PSID-77812")
    assert rows_naming(JEANNE) == [] and not FaqEntry.objects.filter(pk=published_as_made.pk).exists()
