"""A business file with its agent section: the business's own sections plus `agent:` settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from business.interchange import BusinessFileError, export_business, import_business
from business.models import Business

from .models import AgentConfig

# The server backend's API key is a secret: it is set in the admin, never carried in files.
AGENT_FIELDS = (
    "instructions", "model_path", "temperature", "max_reply_tokens", "context_size", "threads", "gpu_layers",
    "backend", "server_url", "server_model", "tool_strategy", "enabled_tools", "max_steps", "time_budget_seconds",
    "burst_settle_seconds", "blocked_topics", "allow_medical_advice", "allow_legal_advice", "allow_financial_advice",
    "acknowledgements",
)  # fmt: skip


def read_document(path: Path) -> dict[str, Any]:
    """A YAML or JSON business file (JSON is read by the YAML parser too)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BusinessFileError(f"{path} is not valid YAML or JSON: {error}") from error
    if not isinstance(document, dict):
        raise BusinessFileError(f"{path} must hold a mapping with a business section")
    return document


@transaction.atomic
def import_document(document: dict[str, Any]) -> Business:
    business = import_business({key: value for key, value in document.items() if key != "agent"})
    agent = document.get("agent", {})
    if not isinstance(agent, dict) or not set(agent) <= set(AGENT_FIELDS):
        raise BusinessFileError(f"agent: expected a mapping of {', '.join(AGENT_FIELDS)}")
    config, _ = AgentConfig.objects.get_or_create(business=business)
    for field, value in agent.items():
        setattr(config, field, value)
    try:
        config.full_clean(exclude=["business"])
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise BusinessFileError(f"agent: {problems}") from error
    config.save()
    return business


def export_document(business: Business) -> dict[str, Any]:
    document = export_business(business)
    config = AgentConfig.objects.filter(business=business).first()
    if config is not None:
        document["agent"] = {field: getattr(config, field) for field in AGENT_FIELDS}
    return document
