"""Yes and no to a read-back, in each of the six languages, from the word lists in agents/lexicons/confirmation."""

import pytest

from agents.confirmation import Answer, read_answer

ANSWERS = [
    ("en", "Yes please!", Answer.YES),
    ("en", "sounds good", Answer.YES),
    ("en", "no, make it 8pm", Answer.NO),
    ("en", "Do you deliver?", Answer.NEITHER),
    ("fr", "Oui merci", Answer.YES),
    ("fr", "ça marche", Answer.YES),
    ("fr", "non, plutôt samedi", Answer.NO),
    ("es", "sí, por favor", Answer.YES),
    ("es", "vale", Answer.YES),
    ("es", "no, mejor a las 9", Answer.NO),
    ("de", "Ja, gerne", Answer.YES),
    ("de", "alles klar", Answer.YES),
    ("de", "Nein, lieber um 12", Answer.NO),
    ("de", "Nein danke", Answer.CANCEL),
    ("it", "sì, va bene", Answer.YES),
    ("it", "perfetto", Answer.YES),
    ("it", "no, meglio domenica", Answer.NO),
    ("pt", "sim", Answer.YES),
    ("pt", "tá bom", Answer.YES),
    ("pt", "Não, prefiro sábado", Answer.NO),
    ("it", "👍", Answer.YES),
    ("de", "👌🏽 danke", Answer.YES),
    ("fr", "👎", Answer.NO),
    ("en", "that's perfect thanks", Answer.YES),
    ("de", "klingt gut", Answer.YES),
    ("en", "no sorry, I changed my mind", Answer.CANCEL),
    ("fr", "non merci, finalement non", Answer.CANCEL),
    ("es", "olvídalo", Answer.CANCEL),
    ("de", "ach, vergessen Sie es", Answer.CANCEL),
    ("it", "lascia perdere, grazie", Answer.CANCEL),
    ("pt", "mudei de ideia", Answer.CANCEL),
]


@pytest.mark.parametrize(("language", "text", "answer"), ANSWERS)
def test_a_yes_or_a_no_is_recognised_in_the_customers_language(language, text, answer):
    assert read_answer(text, language) is answer


def test_a_word_that_starts_like_no_is_not_a_no():
    assert read_answer("notebook for the table?", "en") is Answer.NEITHER
