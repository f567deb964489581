"""Removing card numbers and bank account numbers before a message is stored or shown to a model.

Customers paste them into chats; a transcript kept for staff, and a prompt, must not hold them.
"""

from __future__ import annotations

import re

CARD_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
CARD_PLACEHOLDER = "[card number removed]"
IBAN_PLACEHOLDER = "[bank account removed]"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return CARD_PLACEHOLDER if 13 <= len(digits) <= 19 and luhn_valid(digits) else match.group(0)


def redact(text: str) -> str:
    return IBAN.sub(IBAN_PLACEHOLDER, CARD_CANDIDATE.sub(_card, text))
