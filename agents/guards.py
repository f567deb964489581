"""Per-business input and output guards: blocked topics, professional advice, abuse.

Checked before the model runs (on the customer's words) and after (on the reply), so that neither
a question nor a model's slip produces what the business does not want said in its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from .models import AgentConfig

ADVICE = {
    "medical": re.compile(
        r"\b(diagnos\w*|symptoms?|medications?|medicine|dosage|dose|prescri\w+|side effects?|"
        r"is it safe to take|should i take|treat(ment)? (for|of) my|my (doctor|illness|disease|infection))\b",
        re.IGNORECASE,
    ),
    "legal": re.compile(
        r"\b(legal advice|lawsuit|sue (you|them|him|her)|lawyer|attorney|is it legal|court case)\b", re.IGNORECASE
    ),
    "financial": re.compile(
        r"\b(financial advice|invest(ment|ing)? (advice|tips?)|should i invest|stock tips?|crypto\w*|"
        r"mortgage|tax advice)\b",
        re.IGNORECASE,
    ),
}
ABUSE = re.compile(r"\b(idiot|stupid|moron|shut up|f+u+c+k+\w*|sh[i1]t+|bitch|bastard|asshole|dumb)\b", re.IGNORECASE)

# Translated when a guard answers, into the turn's reply language.
REFUSALS = {
    "medical": gettext_lazy("I can't give medical advice; please ask a doctor or pharmacist."),
    "legal": gettext_lazy("I can't give legal advice; please ask a lawyer."),
    "financial": gettext_lazy("I can't give financial advice; please ask a qualified adviser."),
    "blocked": gettext_lazy("Sorry, that's not something I can help with here."),
    "abuse": gettext_lazy("I'm here to help, so let's keep it friendly. What can I do for you?"),
}


@dataclass(frozen=True)
class Verdict:
    rule: str
    reply: str


def blocked_topics(config: AgentConfig) -> list[str]:
    return [line.strip().lower() for line in config.blocked_topics.splitlines() if line.strip()]


def check(config: AgentConfig, text: str, *, customer: bool) -> Verdict | None:
    """The first rule `text` breaks, or None. Abuse is a rule for customers' words only."""
    lowered = text.lower()
    for topic in blocked_topics(config):
        if re.search(rf"\b{re.escape(topic)}\b", lowered):
            return Verdict("blocked", str(REFUSALS["blocked"]))
    allowed = {
        "medical": config.allow_medical_advice,
        "legal": config.allow_legal_advice,
        "financial": config.allow_financial_advice,
    }
    for kind, pattern in ADVICE.items():
        if not allowed[kind] and pattern.search(text):
            return Verdict(kind, str(REFUSALS[kind]))
    if customer and ABUSE.search(text):
        return Verdict("abuse", str(REFUSALS["abuse"]))
    return None
