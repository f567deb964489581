"""A case's turn says what its answer must do as the evaluation's Expectation, judged by the same functions."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from conversations.models import ChannelConnection, Contact, Conversation
from judging.facts import known_facts
from judging.verdict import Expectation, ExpectedBooking, Verdict, judge_handoff, judge_reply
from operations.erasure import forget
from test_cases.models import Case, CaseTurn

# The data holds the tart's price and the opening time.
FACTS = known_facts(["Tarte 4.50 EUR"], {"10:00"}, {})


def judged(turn: CaseTurn, reply: str) -> Verdict:
    verdict = Verdict()
    expect = turn.expectation(date(2026, 12, 3))
    judge_reply(
        verdict, expect, reply, language=expect.language, names=(), facts=FACTS, customer_said="",
        customer_statuses=set(),
    )  # fmt: skip
    return verdict


def test_a_turn_expects_its_facts_one_a_line_and_its_booking_days_after_the_run():
    turn = CaseTurn(
        text="Table for 2 tomorrow at 10?", must_contain="10:00\n\n 2 people ", must_not_contain="closed",
        handoff=False, language="en", booking_in_days=1, booking_time=time(10, 0), booking_party=2,
    )  # fmt: skip
    assert turn.expectation(date(2026, 12, 31)) == Expectation(
        all_of=("10:00", "2 people"), none_of=("closed",), language="en", handoff=False,
        booking=ExpectedBooking(datetime(2027, 1, 1, 10, 0), 2),
    )  # fmt: skip


def test_an_empty_language_or_handover_is_not_judged():
    expect = CaseTurn(text="Hi").expectation(date(2026, 12, 3))
    assert expect.language is None and expect.handoff is None and expect.booking is None
    verdict = Verdict()
    judge_handoff(verdict, expect, handed_over=True)
    assert verdict.passed


def test_the_judge_reads_a_turns_facts_however_the_locale_writes_them():
    turn = CaseTurn(text="Prix ?", must_contain="4.50\n10:00", must_not_contain="fermé", language="fr")
    assert judged(turn, "La tarte coûte 4,50 € et nous ouvrons à 10 h demain matin.").passed
    wrong = judged(turn, "We are closed, sorry, see you another time.")
    assert wrong.problems == ["missing '4.50'", "missing '10:00'", "in en, not fr"]
    assert judged(turn, "Le magasin est fermé : la tarte à 4,50 €, dès 10 h.").problems == ["contains 'fermé'"]
    assert judged(turn, "La tarte coûte 5,20 € et nous ouvrons à 10 h, 4.50 non.").invented == ["price 5.2"]


def test_a_booking_needs_its_day_time_and_party_together():
    with pytest.raises(ValidationError, match="day, its time and its party size"):
        CaseTurn(text="Book", booking_time=time(10, 0)).clean()


@pytest.mark.parametrize("history", [{"author": "customer"}, [{"author": "bot", "text": "Hi"}], [{"text": "Hi"}]])
def test_a_history_not_made_of_customer_and_agent_lines_is_refused(history):
    with pytest.raises(ValidationError, match="Write the history as"):
        Case(name="Bad", history=history).clean()


def test_the_reasons_are_written_in_the_language_staff_read():
    turn = CaseTurn(text="Prix ?", must_contain="4.50", language="fr")
    with translation.override("fr"):
        assert judged(turn, "We are closed, sorry, see you another time.").problems == [
            "manque '4.50'",
            "en en, pas en fr",
        ]


def test_a_case_saved_from_a_conversation_is_erased_with_its_customer(shop):
    connection = ChannelConnection.objects.create(business=shop, platform="console", name="Terminal")
    contact = Contact.objects.create(connection=connection, platform_user_id="kim")
    conversation = Conversation.objects.create(business=shop, connection=connection, contact=contact)
    Case.objects.create(business=shop, name="From Kim", conversation=conversation).turns.create(text="Kim's words")
    Case.objects.create(business=shop, name="Written").turns.create(text="Anyone's words")
    forget(shop, [contact], requested_by="test")
    assert list(Case.objects.values_list("name", flat=True)) == ["Written"]
