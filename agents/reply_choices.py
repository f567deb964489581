"""The choices the agent offers with a reply, and what a customer's pick of one means to it.

Titles are in the reply's language (the turn's translation is active when they are made). The reply's
text says everything on its own: a choice only saves the customer typing an answer the text asks for.
"""

from __future__ import annotations

from django.utils.translation import pgettext

from conversations.choices import Choice

from .confirmation import Answer

CONFIRM = "booking:confirm"
CHANGE = "booking:change"
TALK_TO_A_PERSON = "handoff:person"
# More than this many options are the start of a list the customer reads, not buttons.
MAX_OPTIONS = 10


def confirmation() -> tuple[Choice, ...]:
    """Under a read-back ("Shall I book it?")."""
    return (Choice(CONFIRM, pgettext("reply button", "Yes")), Choice(CHANGE, pgettext("reply button", "Change")))


def talk_to_a_person() -> tuple[Choice, ...]:
    return (Choice(TALK_TO_A_PERSON, pgettext("reply button", "Talk to a person")),)


def options(titles: tuple[str, ...]) -> tuple[Choice, ...]:
    """What a reply asks the customer to choose from ("which one do you mean?"): picked, its title is
    what the customer says next, which names it for the search."""
    return tuple(Choice(f"option:{number}", title) for number, title in enumerate(titles[:MAX_OPTIONS], start=1))


def read_back_answer(chosen: str) -> Answer | None:
    """A pick under a read-back, whatever language its title is in."""
    return {CONFIRM: Answer.YES, CHANGE: Answer.NO}.get(chosen)
