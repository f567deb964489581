from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from agents.models import AgentConfig
from business.models import Business

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "demo_business.yaml"


def test_the_demo_file_round_trips_through_import_and_export(db, tmp_path):
    call_command("import_business", str(DEMO_FILE))
    exported = tmp_path / "exported.yaml"
    call_command("export_business", "demo-bakery", "--output", str(exported))
    original = yaml.safe_load(DEMO_FILE.read_text())
    again = yaml.safe_load(exported.read_text())
    assert again["business"] == original["business"]
    assert again["faq"] == original["faq"]
    assert [item["name"] for item in again["catalogue"]] == sorted(item["name"] for item in original["catalogue"])
    assert again["agent"]["instructions"] == original["agent"]["instructions"]
    assert again["documents"] == original["documents"]
    assert again["customers"] == original["customers"]
    assert [(order["reference"], order["customer"], order["status"], order["total"]) for order in again["orders"]] == [
        (order["reference"], order["customer"], order["status"], order["total"]) for order in original["orders"]
    ]
    call_command("import_business", str(exported))
    assert Business.objects.count() == 1
    assert Business.objects.get().catalogue_items.count() == len(original["catalogue"])
    assert AgentConfig.objects.get().max_reply_tokens == original["agent"]["max_reply_tokens"]
    assert Business.objects.get().orders.get().customer.reference == "c-001"


@pytest.mark.parametrize(
    "document, problem",
    [
        ({"faq": []}, "business"),
        ({"business": {"name": "No slug"}}, "slug"),
        ({"business": {"slug": "x", "name": "X", "timezone": "Mars/Olympus"}}, "timezone"),
        ({"business": {"slug": "x", "name": "X", "opening_hours": {"mon": [["18:00", "09:00"]]}}}, "mon"),
        ({"business": {"slug": "x", "name": "X"}, "catalogue": [{"name": "Bread", "price": "cheap"}]}, "price"),
        (
            {
                "business": {"slug": "x", "name": "X"},
                "orders": [{"reference": "A-1", "customer": "nobody", "updated": "2026-01-01T00:00:00+00:00"}],
            },
            "nobody",
        ),
    ],
)
def test_a_bad_business_file_is_refused_with_where_it_is_wrong(db, tmp_path, document, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document))
    with pytest.raises(CommandError, match=problem):
        call_command("import_business", str(path))
    assert not Business.objects.exists()


def test_faq_drafts_holding_customers_words_are_not_exported_and_survive_an_import(db, tmp_path):
    call_command("import_business", str(DEMO_FILE))
    business = Business.objects.get()
    draft = business.faq_entries.create(
        question="Is the lilac cake for Basile ready?", answer="Cakes take a day.", published=False
    )
    exported = tmp_path / "exported.yaml"
    call_command("export_business", "demo-bakery", "--output", str(exported))
    assert "Basile" not in exported.read_text()
    call_command("import_business", str(exported))
    assert business.faq_entries.filter(published=False).get() == draft
    assert business.faq_entries.filter(published=True).count() == len(yaml.safe_load(DEMO_FILE.read_text())["faq"])


def test_special_days_round_trip_and_a_file_without_them_keeps_them(db, tmp_path):
    document = {
        "business": {"slug": "x", "name": "X"},
        "special_days": [
            {"date": "2026-12-25", "label": "Christmas"},
            {"date": "2026-12-31", "label": "New Year's Eve", "hours": ["09:00", "12:00"]},
        ],
    }
    path = tmp_path / "holidays.yaml"
    path.write_text(yaml.safe_dump(document))
    call_command("import_business", str(path))
    exported = tmp_path / "exported.yaml"
    call_command("export_business", "x", "--output", str(exported))
    assert yaml.safe_load(exported.read_text())["special_days"] == document["special_days"]
    path.write_text(yaml.safe_dump({"business": {"slug": "x", "name": "X"}}))
    call_command("import_business", str(path))
    assert Business.objects.get().special_days.count() == 2


@pytest.mark.parametrize(
    "special_day, problem",
    [
        ({"date": "25/12/2026"}, "special_days"),
        ({"date": "2026-12-31", "hours": ["12:00", "09:00"]}, "closing time"),
        ({"date": "2026-12-31", "hours": ["09:00"]}, "special_days"),
    ],
)
def test_a_bad_special_day_is_refused_with_where_it_is_wrong(db, tmp_path, special_day, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"business": {"slug": "x", "name": "X"}, "special_days": [special_day]}))
    with pytest.raises(CommandError, match=problem):
        call_command("import_business", str(path))
    assert not Business.objects.exists()
