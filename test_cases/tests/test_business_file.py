"""Test cases travel with the business file: `export_business` writes them, `import_business` reads them back."""

from datetime import time

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from business.models import Business
from test_cases.models import Case, CaseTurn


@pytest.fixture
def cases(shop: Business) -> Business:
    table = Case.objects.create(business=shop, name="Table tomorrow", history=[{"author": "customer", "text": "Hello"}])
    CaseTurn.objects.create(case=table, position=1, text="A table for 2 tomorrow at 10", judged=False)
    CaseTurn.objects.create(
        case=table, position=2, text="yes", must_contain="10:00", must_not_contain="closed\nsorry", handoff=False,
        language="en", booking_in_days=1, booking_time=time(10, 0), booking_party=2,
    )  # fmt: skip
    Case.objects.create(business=shop, name="Delivery", source=Case.Source.ANNOTATION).turns.create(text="Deliver?")
    return shop


def saved(shop: Business) -> list:
    return [
        (case.name, case.source, case.history, [
            (turn.text, turn.judged, turn.must_contain, turn.must_not_contain, turn.handoff, turn.language,
             turn.booking_in_days, turn.booking_time, turn.booking_party)
            for turn in case.turns.all()
        ])
        for case in Case.objects.filter(business=shop)
    ]  # fmt: skip


def test_cases_round_trip_and_a_section_present_replaces_the_businesss_cases(cases, tmp_path):
    before = saved(cases)
    exported = tmp_path / "shop.yaml"
    call_command("export_business", cases.slug, output=str(exported))
    document = yaml.safe_load(exported.read_text())
    [table] = [case for case in document["test_cases"] if case["name"] == "Table tomorrow"]
    assert table["turns"][1]["booking"] == {"in_days": 1, "at": "10:00", "party": 2}
    Case.objects.filter(name="Delivery").update(name="Renamed")
    Case.objects.filter(name="Table tomorrow").first().turns.all().delete()

    call_command("import_business", str(exported))
    assert saved(cases) == before


def test_a_file_without_test_cases_keeps_them(cases, tmp_path):
    before = saved(cases)
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump({"business": {"slug": cases.slug, "name": cases.name}}))
    call_command("import_business", str(path))
    assert saved(cases) == before


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"name": "No turns", "turns": []}, r"test_cases\[0\].turns: expected a list of at least one turn"),
        ({"name": "X", "turns": [{"say": "hi", "booking": {"at": "10:00"}}]}, r"turns\[0\].booking: expected"),
        ({"name": "X", "turns": [{"say": "hi", "language": "xx"}]}, r"test_cases\[0\]: .*not a valid choice"),
        ({"name": "X", "turns": [{"text": "hi"}]}, r"turns\[0\]: expected a mapping with `say`"),
    ],
)
def test_a_bad_test_case_is_refused_with_where_it_is_wrong_and_nothing_is_imported(shop, tmp_path, section, problem):
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump({"business": {"slug": shop.slug, "name": "Renamed"}, "test_cases": [section]}))
    with pytest.raises(CommandError, match=problem):
        call_command("import_business", str(path))
    assert Business.objects.get(pk=shop.pk).name == shop.name
