from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template

from agents.models import AgentRun
from business import locale_format
from conversations.models import ChannelConnection, Conversation

from .. import trace_words
from ..customer_names import channel_look, customer_name

register = template.Library()


@register.filter
def pretty_json(value: Any) -> str:
    """Tool arguments and results as an operator reads them; plain strings stay as they are."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=1, ensure_ascii=False, default=str)


@register.filter
def customer(conversation: Conversation) -> str:
    return customer_name(conversation.contact, conversation.connection.platform)


@register.inclusion_tag("console/_channel_icon.html")
def channel_icon(connection: ChannelConnection) -> dict[str, Any]:
    platform = connection.platform
    return {"platform": platform, "look": channel_look(platform), "label": connection.get_platform_display()}


@register.filter
def money(amount: Decimal, currency: str) -> str:
    return locale_format.money(amount, currency)


@register.filter
def trace_steps(run: AgentRun) -> list[trace_words.Step]:
    return trace_words.steps(run)


@register.filter
def recorded_steps(trace: list[Any]) -> list[trace_words.Step]:
    """A trace kept apart from its agent run (a test run's result), in words."""
    return trace_words.trace_steps(trace)


@register.filter
def has_failed_tool(run: AgentRun) -> bool:
    return trace_words.has_failed_tool(run)
