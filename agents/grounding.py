"""Replies whose facts come from tool results, exactly.

A small model rephrasing "5.20 EUR" may write "5.50 EUR". A draft is used only when every number
in it appears in the tool results or the customer's own message, and it carries word for word every
key fact of every result that answered (of every part of a compound question): a draft naming one
of the two helmets asked about, or "we take cards" without "no cheques", is not the answer. Otherwise
the reply is those results' own answers, built from the data alone.
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
    lowered = draft.lower()
    return all(
        all(fact.lower() in lowered for fact in facts)
        for result in results
        if result.found
        for facts in result.key_facts
    )


def grounded_reply(draft: str, results: list[ToolResult], customer_text: str) -> tuple[str, bool]:
    """The reply to send and whether the model's draft was kept."""
    if is_grounded(draft, results, customer_text):
        return draft.strip(), True
    answers = [result for result in results if result.found and result.answer]
    if not answers:
        return next((result.answer for result in results if result.answer), ""), False
    return _joined(answers), False


def _joined(results: list[ToolResult]) -> str:
    """Each result's answer in turn, but not one whose facts an earlier answer already states (the day's
    hours the search found, which business_info gives again)."""
    text = ""
    for result in results:
        facts = [fact.lower() for group in result.key_facts for fact in group]
        if result.answer in text or text and facts and all(fact in text.lower() for fact in facts):
            continue
        text = f"{text} {result.answer}".strip()
    return text
