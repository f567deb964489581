"""What one business may ask of the worker every business shares: settings within bounds, model files only
from where the server offers them (issue 14 item 5). Each attack is tried as a business's staff would:
through the admin's change form and through a business file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from agents.models import AgentConfig, HttpTool

# (field, value, what the refusal says): a file outside the model directory, or a number that would
# take the worker's memory, cores or time.
REFUSED = [
    ("model_path", "/etc/passwd", "is not a .gguf file in the model directory"),
    ("model_path", "../../x.gguf", "is not a .gguf file in the model directory"),
    ("context_size", 2_000_000_000, "less than or equal to 32768"),
    ("threads", 32_000, "less than or equal to 64"),
    ("max_steps", 32_000, "less than or equal to 16"),
    ("max_reply_tokens", 2_000_000_000, "less than or equal to 4096"),
    ("time_budget_seconds", 36_000, "less than or equal to 600"),
    ("temperature", 1e9, "less than or equal to 2"),
    # NaN fails every comparison, so range checks alone let it through: a time budget that never runs out.
    ("time_budget_seconds", float("nan"), "Enter a number"),
    ("temperature", float("nan"), "Enter a number"),
    ("burst_settle_seconds", float("nan"), "Enter a number"),
]


@pytest.fixture
def model_dir(tmp_path: Path, settings: Any) -> Path:
    directory = tmp_path / "models"
    directory.mkdir()
    settings.PARLEY_MODEL_DIR = str(directory)
    return directory


def agent_form(client: Client, config: AgentConfig) -> tuple[str, dict[str, Any]]:
    """The agent's change page and the data its form holds, as a browser would post it back."""
    url = reverse("admin:agents_agentconfig_change", args=[config.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    return url, {name: value for name, value in data.items() if value is not None and value is not False}


def business_file(tmp_path: Path, slug: str, agent: dict[str, Any]) -> str:
    path = tmp_path / "business.yaml"
    path.write_text(yaml.safe_dump({"business": {"slug": slug, "name": "Corner Shop"}, "agent": agent}))
    return str(path)


@pytest.mark.parametrize("field, value, refusal", REFUSED)
def test_the_agent_page_refuses_a_setting_out_of_bounds(staff_client, shop, model_dir, field, value, refusal):
    config = shop.agent_config
    url, data = agent_form(staff_client, config)
    page = staff_client.post(url, data | {field: value})
    assert page.status_code == 200 and refusal in page.content.decode()
    assert getattr(AgentConfig.objects.get(pk=config.pk), field) == getattr(config, field)


def test_the_agent_page_saves_settings_within_bounds(staff_client, shop, model_dir):
    url, data = agent_form(staff_client, shop.agent_config)
    page = staff_client.post(url, data | {"model_path": "shop.gguf", "context_size": 8192, "threads": 2})
    assert page.status_code == 302
    config = AgentConfig.objects.get(business=shop)
    assert (config.model_path, config.context_size, config.threads) == ("shop.gguf", 8192, 2)


@pytest.mark.parametrize("field, value, refusal", REFUSED)
def test_a_business_file_with_a_setting_out_of_bounds_is_refused(shop, model_dir, tmp_path, field, value, refusal):
    with pytest.raises(CommandError, match=f"agent: {field}: .*{refusal}"):
        call_command("import_business", business_file(tmp_path, shop.slug, {field: value}))
    assert getattr(AgentConfig.objects.get(business=shop), field) == getattr(shop.agent_config, field)


def test_a_link_in_the_model_directory_to_a_file_outside_it_is_refused(shop, model_dir, tmp_path):
    (model_dir / "innocent.gguf").symlink_to("/etc/passwd")
    with pytest.raises(CommandError, match="innocent.gguf is not a .gguf file in the model directory"):
        call_command("import_business", business_file(tmp_path, shop.slug, {"model_path": "innocent.gguf"}))


def test_without_a_model_directory_a_business_has_only_the_servers_model(shop, settings, tmp_path):
    settings.PARLEY_MODEL_DIR = ""
    with pytest.raises(CommandError, match="PARLEY_MODEL_DIR offers no others"):
        call_command("import_business", business_file(tmp_path, shop.slug, {"model_path": "/srv/models/big.gguf"}))


def test_a_reply_must_leave_room_for_the_prompt(shop, tmp_path):
    path = business_file(tmp_path, shop.slug, {"context_size": 512, "max_reply_tokens": 512})
    with pytest.raises(CommandError, match="max_reply_tokens: A reply must leave room for the prompt"):
        call_command("import_business", path)


def tool_form(**fields: Any) -> dict[str, Any]:
    return {
        "name": "check_stock", "description": "Stock of a product.", "parameters": "{}", "enabled": "on",
        "url": "https://tools.example.com/stock", "timeout_seconds": 5, "signing_secret_new": "tool-secret",
    } | fields  # fmt: skip


@pytest.mark.parametrize(
    "timeout, refusal",
    [
        (36_000, "less than or equal to 600"),
        (120, "At most the agent&#x27;s time budget, 60.0 seconds"),
        (float("nan"), "Enter a number"),
    ],
)
def test_a_custom_tool_may_not_wait_longer_than_a_turn(staff_client, shop, timeout, refusal):
    page = staff_client.post(reverse("admin:agents_httptool_add"), tool_form(business=shop.pk, timeout_seconds=timeout))
    assert page.status_code == 200 and refusal in page.content.decode()
    assert not HttpTool.objects.exists()
    page = staff_client.post(reverse("admin:agents_httptool_add"), tool_form(business=shop.pk, timeout_seconds=30))
    assert page.status_code == 302 and HttpTool.objects.get().timeout_seconds == 30
