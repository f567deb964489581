"""The prompt of a turn: the business's instructions and facts first, the conversation last.

The system part depends only on the business, so it is the same token prefix on every turn and
llama.cpp reuses its cached computation instead of evaluating it again.
"""
from __future__ import annotations

from collections.abc import Iterable

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from business.models import Business
from channels_app.models import Message

from .models import AgentConfig


def business_facts(business: Business) -> list[str]:
    lines = [f"Business: {business.name}"]
    if business.description:
        lines.append(f"About: {business.description}")
    for label, value in (("Address", business.address), ("Phone", business.phone), ("Email", business.email)):
        if value:
            lines.append(f"{label}: {value}")
    if business.opening_hours:
        lines.append(f"Opening hours ({business.timezone}):")
        lines += [f"- {line}" for line in business.opening_hours_lines()]
    items = list(business.catalogue_items.all())
    if items:
        lines.append("Products:")
        lines += [
            f"- {item.name}: {item.price_label()}{'' if item.available else ' (sold out)'}"
            + (f". {item.description}" if item.description else "")
            for item in items
        ]
    faq = list(business.faq_entries.all())
    if faq:
        lines.append("Frequently asked questions:")
        lines += [f"Q: {entry.question}\nA: {entry.answer}" for entry in faq]
    return lines


def system_message(business: Business, config: AgentConfig) -> SystemMessage:
    return SystemMessage(config.instructions.strip() + "\n\n" + "\n".join(business_facts(business)))


def history_messages(messages: Iterable[Message]) -> list[BaseMessage]:
    return [
        HumanMessage(message.text) if message.direction == Message.Direction.INBOUND else AIMessage(message.text)
        for message in messages
        if message.text
    ]
