"""Replies whose facts come from tool results, exactly.

A small model rephrasing "5.20 EUR" may write "5.50 EUR". A draft is used only when every number
in it appears in the tool results or the customer's own message, and it carries at least one of
the primary result's key facts word for word; otherwise the reply is the primary result's own
answer, built from the data alone.
"""

from __future__ import annotations

import re

from .tools import ToolResult

NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def numbers(text: str) -> set[str]:
    return {match.replace(",", ".") for match in NUMBER.findall(text)}


def is_grounded(draft: str, results: list[ToolResult], customer_text: str) -> bool:
    if not draft.strip():
        return False
    allowed = numbers(customer_text).union(*(numbers(result.content) for result in results))
    if numbers(draft) - allowed:
        return False
    primary = next((result for result in results if result.found), None)
    if primary is None or not primary.facts:
        return True
    lowered = draft.lower()
    return any(fact.lower() in lowered for fact in primary.facts)


def grounded_reply(draft: str, results: list[ToolResult], customer_text: str) -> tuple[str, bool]:
    """The reply to send and whether the model's draft was kept."""
    if is_grounded(draft, results, customer_text):
        return draft.strip(), True
    primary = next((result for result in results if result.found and result.answer), None)
    if primary is None:
        primary = next((result for result in results if result.answer), None)
    return (primary.answer if primary else ""), False
