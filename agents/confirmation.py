"""Whether a message answers "shall I book it?" with a yes or a no, in the customer's language.

The words are data (agents/lexicons/confirmation/<language>.toml); a message says yes or no when it
starts with one of them, so that "yes please" is a yes and "no, make it 8pm" a no that changes something.
A thumbs-up or a check mark reads the same in every language. Dropping the request ("forget it", "j'ai
changé d'avis") is a cancel wherever it stands in the message.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache

from .lexicon_files import any_of, fold, lexicon

YES_EMOJI = frozenset("👍👌✅✔☑🆗🙆")
NO_EMOJI = frozenset("👎❌✖🙅")


class Answer(Enum):
    YES = "yes"
    NO = "no"
    CANCEL = "cancel"
    NEITHER = ""


@cache
def _pattern(language: str, answer: str) -> re.Pattern[str]:
    words = any_of(lexicon("confirmation", language)[answer])
    if answer == Answer.CANCEL.value:
        return re.compile(rf"(?<!\w)(?:{words})(?!\w)")
    return re.compile(rf"^\W*(?:{words})(?!\w)")


def read_answer(text: str, language: str) -> Answer:
    first = text.lstrip()[:1]
    if first in YES_EMOJI:
        return Answer.YES
    if first in NO_EMOJI:
        return Answer.NO
    folded = fold(text)
    if _pattern(language, Answer.CANCEL.value).search(folded):
        return Answer.CANCEL
    for answer in (Answer.NO, Answer.YES):
        if _pattern(language, answer.value).match(folded):
            return answer
    return Answer.NEITHER
