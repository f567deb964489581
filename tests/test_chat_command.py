import pytest
from django.core.management import call_command

from agents.models import AgentRun
from conversations.models import Message


@pytest.mark.django_db(transaction=True)
def test_chat_with_a_message_prints_the_agents_reply(business, capsys):
    call_command("chat", business.slug, "--message", "Hello, are you open on Saturday?")
    printed = capsys.readouterr().out.strip()
    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert printed == reply.text != ""
    assert reply.status == Message.Status.SENT
    assert reply.reply_to.text == "Hello, are you open on Saturday?"
    assert AgentRun.objects.get(reply=reply).outcome == AgentRun.Outcome.REPLIED


@pytest.mark.django_db(transaction=True)
def test_chat_continues_the_same_conversation(business, capsys):
    call_command("chat", business.slug, "--message", "Hi")
    call_command("chat", business.slug, "--message", "Thanks")
    conversations = {message.conversation_id for message in Message.objects.all()}
    assert len(conversations) == 1
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 2
