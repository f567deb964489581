"""A slice of the evaluation set through the runner, on the real turn code and model.

It demands no pass rate of the agent: it checks that the runner plays each turn and judges it, a
conversation every agent passes as passed and one whose expectation is wrong as failed.
"""

import os
import subprocess
import sys
from datetime import datetime

import pytest

from evaluation import report, runner
from evaluation.dataset import Conversation, Expectation, ExpectedBooking, Turn, load_businesses, load_conversations
from tests.services import ROOT

SLICE = (
    "issue-quay-city-in-stock",
    "bakery-croissant-price-en",
    "bakery-monday-fr",
    "bike-thumbs-up-en",
    "bike-child-seat-en",
)
THURSDAY_MORNING = datetime(2026, 12, 3, 10, 0)

# Whatever the agent answers, this expects nothing it could miss.
ANYTHING_GOES = Conversation(
    id="test-anything-goes",
    category="test",
    business="demo-bakery",
    language="en",
    now=THURSDAY_MORNING,
    turns=(Turn(text="Hello there", expect=Expectation(reply="optional", handoff=None, language=None)),),
)
# Deliberately wrong: no croissant costs 7.77, and the bakery writes no booking for a croissant's price.
WRONG_EXPECTATION = Conversation(
    id="test-wrong-expectation",
    category="test",
    business="demo-bakery",
    language="en",
    now=THURSDAY_MORNING,
    turns=(
        Turn(
            text="How much is a croissant?",
            expect=Expectation(
                all_of=("7.77",), handoff=None, booking=ExpectedBooking(THURSDAY_MORNING.replace(hour=11), party=2)
            ),
        ),
    ),
)


@pytest.mark.django_db(transaction=True)
def test_the_runner_passes_what_is_right_fails_what_is_wrong_and_reports_both():
    businesses = load_businesses()
    runner.import_businesses(businesses.values(), runner.agent_settings(reply_tokens=24))
    chosen = [conversation for conversation in load_conversations() if conversation.id in SLICE]
    played = runner.play_all([*chosen, ANYTHING_GOES, WRONG_EXPECTATION], businesses)

    assert len(chosen) == len(SLICE)
    assert [result.conversation.id for result in played] == [c.id for c in chosen] + [
        ANYTHING_GOES.id,
        WRONG_EXPECTATION.id,
    ]
    for result in played:
        assert len(result.turns) == len(result.conversation.turns)
        for turn in result.turns:
            # A turn passes exactly when nothing is wrong with it, and a missing required reply is wrong.
            assert turn.passed == (not turn.problems and not turn.invented)
            if turn.reply is None and turn.expected.reply == "required":
                assert "no reply" in turn.problems
    assert played[-2].passed, played[-2].turns
    wrong = played[-1].turns[0]
    assert not played[-1].passed
    assert "missing '7.77'" in wrong.problems
    assert any(problem.startswith("booking 2026-12-03 11:00 for 2 expected") for problem in wrong.problems)
    # The croissant's price is the bakery's: the reply invents nothing, whatever else is wrong with it.
    assert wrong.invented == []

    text = report.table(played, "Slice", "for the test")
    for category in {result.conversation.category for result in played}:
        assert f"| {category} |" in text
    assert "| wrong bookings | 0 |" in text
    failures = report.failures(played)
    assert "✗ test-wrong-expectation" in failures
    assert "customer: How much is a croissant?" in failures
    assert "test-anything-goes" not in failures


def test_make_eval_starts_in_a_process_where_django_is_not_set_up_yet():
    # `python -m evaluation` chooses its database and model before django.setup(): nothing it imports
    # first may need the settings (the slice above runs inside the test session, set up already).
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    started = subprocess.run(
        [sys.executable, "-m", "evaluation", "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert started.returncode == 0, started.stderr
