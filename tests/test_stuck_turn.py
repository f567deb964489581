"""A generation over the business's time budget is stopped in the worker; the customer gets the fallback."""

import pytest

from agents.agent_loop import FALLBACK_REPLY
from agents.models import AgentConfig, AgentRun
from conversations.models import Conversation, Message
from tests.reliability_traffic import deliver, messenger_text, replies_sent_to
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "7008000000000001"
BUDGET_SECONDS = 0.5
SLICE_MARGIN_MS = 10_000


def test_a_turn_over_its_time_budget_is_stopped_answered_with_the_fallback_and_flagged(
    live_server, messenger_connection, fake_platform, worker_pool, business, figures
):
    # Room for a long generation, and too little time for it. The question finds an FAQ entry, so the
    # model does write a draft (a question nothing answers gets the fallback without a model call).
    AgentConfig.objects.filter(business=business).update(time_budget_seconds=BUDGET_SECONDS, max_reply_tokens=2000)
    assert (
        deliver(
            live_server.url,
            messenger_connection,
            messenger_text(CUSTOMER, "m_slow", "Do you ship abroad? Tell me everything about it."),
        )
        == 200
    )

    wait_until(lambda: replies_sent_to(fake_platform, CUSTOMER), what="the fallback reply")
    run = AgentRun.objects.get()
    assert replies_sent_to(fake_platform, CUSTOMER) == [FALLBACK_REPLY]
    assert run.outcome == AgentRun.Outcome.FAILED and run.error.startswith("TurnTimedOut")
    # Stopped within one slice of prompt evaluation or one token of the budget's end: a few seconds
    # on a busy 2-core machine, where the whole turn would take tens of seconds.
    assert run.total_ms < BUDGET_SECONDS * 1000 + SLICE_MARGIN_MS
    assert run.completion_tokens < 2000
    assert Conversation.objects.get().status == Conversation.Status.NEEDS_HUMAN
    # The platform answered the send; recording it as sent follows a moment later in the worker.
    wait_until(
        lambda: Message.objects.get(platform_message_id="m_slow").reply.status == Message.Status.SENT,
        what="the fallback reply to be recorded as sent",
    )
    figures["stuck_turn"] = {"budget_ms": BUDGET_SECONDS * 1000, "turn_ms": run.total_ms, "error": run.error}
