"""`manage.py run_tests`: each case's verdict printed and written as JUnit XML, a failure in the exit status."""

from datetime import datetime, time
from io import StringIO
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from agents.models import AgentConfig
from business.models import Business
from test_cases.models import Case, CaseTurn

THURSDAY_MORNING = datetime(2026, 12, 3, 9, 20, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def thursday_morning():
    with time_machine.travel(THURSDAY_MORNING, tick=True):
        yield


@pytest.fixture
def table_tomorrow(shop: Business) -> Case:
    """Booked once the customer says yes to the read-back: right on the live shop, open on Fridays."""
    case = Case.objects.create(business=shop, name="Table tomorrow")
    CaseTurn.objects.create(case=case, position=1, text="I'd like to book a table for 2 tomorrow at 10", judged=False)
    CaseTurn.objects.create(
        case=case, position=2, text="yes", booking_in_days=1, booking_time=time(10), booking_party=2
    )
    return case


def run_tests(*args: str) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("run_tests", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_a_failing_case_fails_the_command_and_is_a_failure_in_the_junit_file(shop, table_tomorrow, tmp_path):
    sunday = Case.objects.create(business=shop, name="Sunday table")
    CaseTurn.objects.create(case=sunday, text="Can I book a table for 2 on Sunday at 10?", must_contain="7.77")
    junit = tmp_path / "results.xml"

    out, error = run_tests(shop.slug, "--junit", str(junit))

    assert error is not None and error.returncode == 1 and str(error) == "1 test case failed."
    assert "FAIL Sunday table\n    turn 1: missing '7.77'\n" in out and "PASS Table tomorrow" in out
    assert "1 of 2 test cases passed against corner-shop." in out
    suite = ElementTree.parse(junit).getroot()
    assert (suite.tag, suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "testsuite",
        "corner-shop",
        "2",
        "1",
    )
    passed, failed = sorted(suite.iter("testcase"), key=lambda case: case.get("name") != "Table tomorrow")
    assert passed.get("name") == "Table tomorrow" and passed.find("failure") is None
    assert failed.get("name") == "Sunday table"
    assert failed.find("failure").get("message") == "turn 1: missing '7.77'"
    assert "Can I book a table for 2 on Sunday at 10?" in failed.find("failure").text


def test_cases_that_all_pass_exit_cleanly(shop, table_tomorrow):
    out, error = run_tests(shop.slug)
    assert error is None and "1 of 1 test case passed against corner-shop." in out


def test_with_draft_the_live_businesss_cases_run_against_its_draft(shop, table_tomorrow):
    out, error = run_tests(shop.slug, "--draft")
    assert error is not None and str(error) == "This business has no draft: open one in the console first."

    # The draft is closed on Fridays: the live shop's case fails against it.
    draft = Business.objects.create(
        name="Corner Shop", slug="corner-shop-draft", timezone="Europe/Paris", draft_of=shop
    )
    AgentConfig.objects.create(business=draft, max_reply_tokens=24, temperature=0.0)
    out, error = run_tests(shop.slug, "--draft")
    assert error is not None and error.returncode == 1
    assert "FAIL Table tomorrow" in out and "0 of 1 test case passed against corner-shop-draft." in out

    out, error = run_tests(draft.slug)
    assert str(error) == "corner-shop-draft is a draft: run its live business's tests with --draft."


def test_an_unknown_business_is_refused(db):
    _out, error = run_tests("no-such-shop")
    assert str(error) == "no business with slug 'no-such-shop'"
