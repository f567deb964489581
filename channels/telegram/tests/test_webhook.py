import json
from io import StringIO

from django.core.management import call_command

from conversations.models import ChannelConnection, Contact, Message
from tests.support import load_fixture

from .conftest import raw
from .harness import BOT_TOKEN, SECRET_TOKEN


def test_a_message_is_stored_under_its_chat_with_the_update_id_and_the_customers_name(post_update, telegram_connection):
    assert post_update(telegram_connection, raw("text_message")).status_code == 200
    [message] = Message.objects.all()
    assert message.text == "注文の状況を教えてください😊 Order #JP-8812"
    assert message.platform_message_id == "731245980:4521"
    assert message.metadata == {"update_id": 834512007}
    contact = message.conversation.contact
    assert (contact.platform_user_id, contact.display_name) == ("731245980", "Aiko Tanaka")


def test_a_connection_without_a_secret_token_refuses_everything(post_update, telegram_connection):
    del telegram_connection.secrets["secret_token"]
    telegram_connection.save()
    assert post_update(telegram_connection, raw("text_message"), secret="").status_code == 403
    assert not Message.objects.exists()


def test_the_same_message_under_another_update_id_is_stored_once(post_update, telegram_connection):
    update = json.loads(raw("text_message"))
    post_update(telegram_connection, json.dumps(update))
    update["update_id"] += 1
    assert post_update(telegram_connection, json.dumps(update)).status_code == 200
    assert Message.objects.count() == 1


def test_the_same_message_number_in_another_chat_is_another_message(post_update, telegram_connection):
    post_update(telegram_connection, raw("text_message"))
    update = json.loads(raw("text_message"))
    update["update_id"] += 1
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = 731245981
    post_update(telegram_connection, json.dumps(update))
    assert Message.objects.count() == 2 and Contact.objects.count() == 2


def test_an_edit_is_stored_beside_the_original_and_not_answered(
    post_update, telegram_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        post_update(telegram_connection, raw("text_message"))
        assert post_update(telegram_connection, raw("edited_message")).status_code == 200
        post_update(telegram_connection, raw("edited_message"))
    original, edit = Message.objects.all()
    assert (edit.kind, edit.metadata["edited"]) == ("edit", original.platform_message_id)
    assert edit.conversation == original.conversation
    assert len(callbacks) == 1


def test_an_update_we_do_not_handle_is_acknowledged_and_nothing_stored(
    post_update, telegram_connection, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_update(telegram_connection, raw("my_chat_member")).status_code == 200
    assert not Message.objects.exists() and callbacks == []


def test_a_button_press_is_a_turn_answered_inline_with_answer_callback_query(
    post_update, telegram_connection, fake_platform, django_capture_on_commit_callbacks
):
    fixture = load_fixture(__file__, "callback_query")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_update(telegram_connection, fixture["raw_body"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == fixture["expect"]["webhook_answer"]
    message = Message.objects.get()
    assert (message.kind, message.text, message.metadata["payload"]) == ("button", "Track my order", "TRACK")
    assert len(callbacks) == 1
    assert fake_platform.requests == []


def test_a_redelivered_button_press_is_one_turn_and_answered_again(post_update, telegram_connection):
    first = post_update(telegram_connection, raw("callback_query"))
    second = post_update(telegram_connection, raw("callback_query"))
    assert first.json() == second.json()
    assert Message.objects.count() == 1


def test_connect_channel_sets_up_a_bot_whose_updates_are_accepted(business, post_update):
    out = StringIO()
    settings = [f"--set=bot_token={BOT_TOKEN}", f"--set=secret_token={SECRET_TOKEN}"]
    call_command("connect_channel", business.slug, "telegram", *settings, stdout=out)
    connection = ChannelConnection.objects.get(platform="telegram")
    assert out.getvalue().splitlines()[:3] == [
        "bot_token: (set)",
        "secret_token: (set)",
        "api_base: https://api.telegram.org",
    ]
    assert out.getvalue().rstrip().endswith(connection.webhook_path())
    assert post_update(connection, raw("text_message")).status_code == 200
    assert Message.objects.filter(connection=connection).exists()
