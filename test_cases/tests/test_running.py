"""Running a test case on the real turn code and model: judged as `make eval` judges, nothing kept."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from prometheus_client.parser import text_string_to_metric_families

from agents.models import AgentConfig, AgentRun, PendingRequest
from business.models import Booking, Business, Customer
from conversations.models import ChannelConnection, Contact, Conversation, Message
from test_cases.models import Case, CaseTurn
from test_cases.running import replay, run_case

THURSDAY_MORNING = datetime(2026, 12, 3, 9, 20, tzinfo=ZoneInfo("Europe/Paris"))
LEFT_BEHIND = (Booking, Customer, Contact, Conversation, Message, AgentRun, PendingRequest, ChannelConnection)


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in LEFT_BEHIND}


def agent_turns_counted(client) -> float:
    """Parley's count of agent turns, as Prometheus scrapes it."""
    families = text_string_to_metric_families(client.get("/metrics").content.decode())
    return sum(
        sample.value for family in families for sample in family.samples if sample.name == "parley_agent_turns_total"
    )


@pytest.mark.django_db(transaction=True)
def test_a_booking_made_during_a_run_is_judged_then_undone_with_everything_else(shop: Business, client):
    case = Case.objects.create(business=shop, name="Table tomorrow")
    CaseTurn.objects.create(case=case, position=1, text="I'd like to book a table for 2 tomorrow at 10", judged=False)
    CaseTurn.objects.create(
        case=case, position=2, text="yes", booking_in_days=1, booking_time=time(10, 0), booking_party=2
    )
    before, counted = rows(), agent_turns_counted(client)
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        result = run_case(case, shop)

    assert result.passed, result.reasons
    read_back, booked = result.turns
    assert not read_back.judged and read_back.bookings == []
    assert booked.judged and booked.bookings == ["2026-12-04 10:00 for 2"]
    assert any(step.get("type") == "final" for step in booked.trace) and booked.elapsed_ms
    # Nothing the turns wrote is kept, and nothing that runs after a commit (delivery, staff's email) ran.
    assert rows() == before
    assert mail.outbox == []
    assert agent_turns_counted(client) == counted


def test_a_case_run_twice_or_replayed_under_its_key_gives_the_same_reply_and_reasons(delivery_case: Case):
    # Sampled, not greedy: only the seed makes the second run draw what the first drew.
    AgentConfig.objects.filter(business=delivery_case.business).update(temperature=0.9)
    first = run_case(delivery_case, delivery_case.business)
    second = run_case(delivery_case, delivery_case.business)
    [replayed] = replay(delivery_case.business, ["Do you deliver?"], key=f"case-{delivery_case.pk}")

    assert first.turns[0].reply and first.turns[0].reply == second.turns[0].reply == replayed.reply
    assert not first.passed and first.reasons == second.reasons
    assert "turn 1: missing '7.77'" in first.reasons and "turn 1: missing '3.50'" not in first.reasons
    assert replayed.passed and not replayed.judged


def test_a_case_runs_against_another_business_row_such_as_a_draft(delivery_case: Case):
    draft = Business.objects.create(name="Corner Shop (draft)", slug="corner-shop-draft", timezone="Europe/Paris")
    AgentConfig.objects.create(business=draft, max_reply_tokens=24, temperature=0.0)
    result = run_case(delivery_case, draft)
    assert result.business_id == draft.pk
    # The draft knows nothing of deliveries: what the live shop answers is missing.
    assert "turn 1: missing '3.50'" in result.reasons
