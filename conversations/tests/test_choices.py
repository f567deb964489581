"""Choices offered with a reply and picked by the customer: what counts as a pick, and who acts on it."""

import pytest

from conversations import choices, outbox
from conversations.choices import Choice, InvalidChoices, cut_title, handle_choices
from conversations.events import CustomerMessage, Kind
from conversations.inbound import store_customer_message
from conversations.models import Conversation, Message
from conversations.text_split import utf8_length

CHOICES = [Choice("booking:confirm", "Yes"), Choice("booking:change", "Change the time")]


def says(connection, text: str, message_id: str, kind: str = Kind.TEXT, payload: str = "") -> Message:
    details = {"payload": payload} if payload else {}
    event = CustomerMessage(
        platform_message_id=message_id, sender_id="6785123409871234", text=text, kind=kind, details=details
    )
    return store_customer_message(connection, event)


@pytest.fixture
def offered(messenger_connection, fake_platform):
    """The customer wrote; the agent's reply offered CHOICES as quick replies."""
    inbound = says(messenger_connection, "Book a table for 2 at 19:30", "m-1")
    reply = outbox.queue_reply(
        inbound.conversation, "2 people at 19:30?", author=Message.Author.AGENT, reply_to=inbound, choices=CHOICES
    )
    outbox.deliver(reply.pk)
    return reply


def test_typing_a_choices_title_picks_it_whatever_the_case_and_punctuation(messenger_connection, offered):
    message = says(messenger_connection, "  change THE time! ", "m-2")
    assert (message.chosen, message.text, message.kind) == ("booking:change", "Change the time", Kind.BUTTON)
    assert message.metadata["typed"] == "  change THE time! "


def test_a_number_is_not_a_pick_when_the_choices_were_shown_as_buttons(messenger_connection, offered):
    message = says(messenger_connection, "2", "m-2")
    assert (message.chosen, message.text, message.kind) == ("", "2", Kind.TEXT)


def test_a_number_picks_a_choice_the_reply_listed_as_numbered_lines(messenger_connection, offered):
    Message.objects.filter(pk=offered.pk).update(metadata={"choices_as_text": True})
    assert says(messenger_connection, "2.", "m-2").chosen == "booking:change"
    assert says(messenger_connection, "3", "m-3").chosen == ""


def test_words_answer_only_the_latest_reply(messenger_connection, offered):
    outbox.queue_reply(offered.conversation, "Anything else?", author=Message.Author.AGENT)
    assert says(messenger_connection, "Yes", "m-2").chosen == ""


def test_a_tap_on_an_older_replys_button_still_picks_its_choice(messenger_connection, offered):
    outbox.queue_reply(offered.conversation, "Anything else?", author=Message.Author.AGENT)
    message = says(messenger_connection, "Yes", "m-2", kind=Kind.BUTTON, payload="booking:confirm")
    assert (message.chosen, message.text) == ("booking:confirm", "Yes")


def test_a_payload_never_offered_in_the_conversation_picks_nothing(messenger_connection, offered, business):
    # A forged tap: the id of a choice another feature uses, never offered to this customer.
    message = says(messenger_connection, "Cancel", "m-2", kind=Kind.BUTTON, payload="reminder:cancel:1")
    assert (message.chosen, message.text, message.kind) == ("", "Cancel", Kind.BUTTON)


def test_a_feature_handles_its_own_choice_once_and_the_agent_never_sees_it(
    messenger_connection, offered, django_capture_on_commit_callbacks, monkeypatch
):
    picks = []
    monkeypatch.setattr(choices, "_handlers", {})
    handle_choices("booking", lambda message, choice: picks.append((message.pk, choice)))
    with django_capture_on_commit_callbacks() as callbacks:
        message = says(messenger_connection, "Yes", "m-2", kind=Kind.BUTTON, payload="booking:confirm")
        assert says(messenger_connection, "Yes", "m-2", kind=Kind.BUTTON, payload="booking:confirm") is None
    assert picks == [(message.pk, CHOICES[0])]
    assert message.kind == Kind.HANDLED_CHOICE and callbacks == []


def test_a_failing_handler_keeps_the_message_and_hands_the_conversation_to_staff(
    messenger_connection, offered, monkeypatch
):
    def broken(message, choice):
        Conversation.objects.filter(pk=message.conversation_id).update(status=Conversation.Status.CLOSED)
        raise RuntimeError("bug")

    monkeypatch.setattr(choices, "_handlers", {})
    handle_choices("booking", broken)
    message = says(messenger_connection, "Yes", "m-2", kind=Kind.BUTTON, payload="booking:confirm")
    assert Message.objects.filter(pk=message.pk, chosen="booking:confirm").exists()
    assert Conversation.objects.get().status == Conversation.Status.NEEDS_HUMAN


def test_choices_that_no_platform_could_send_back_are_refused(messenger_connection, offered):
    for bad in ([Choice("a:1", "A"), Choice("a:1", "B")], [Choice("a:" + "x" * 63, "A")], [Choice("a b", "A")]):
        with pytest.raises(InvalidChoices):
            outbox.queue_reply(offered.conversation, "?", author=Message.Author.AGENT, choices=bad)


@pytest.mark.parametrize(
    "title, limit, cut",
    [
        ("Talk to a person", 20, "Talk to a person"),
        ("Change the date or the time", 20, "Change the date or…"),
        ("Réserver une table 🍷🍷 ce soir", 24, "Réserver une table 🍷🍷…"),
        ("Supercalifragilisticexpialidocious", 20, "Supercalifragilisti…"),
        ("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 20, "👨‍👩‍👧‍👦…"),
    ],
)
def test_a_title_is_cut_at_a_word_and_never_inside_an_emoji(title, limit, cut):
    assert cut_title(title, limit) == cut


def test_a_title_is_measured_the_way_the_platform_counts():
    assert utf8_length(cut_title("é" * 30, 20, utf8_length)) <= 20
