"""How often a booking's day, time and party size are read right from customers' words, per language.

Run: `python -m bench.booking_extraction`. Two tables of phrasings on the
same fixed clock: the one the unit tests check (agents/tests/test_booking_request.py), whose rules were
written while looking at it, and UNSEEN, written before its first run and not tuned on, which says how
the rules generalise. Each is also read by dateparser alone (its search over the whole message, for
day and time), the baseline the rules are there to fix. The figures go in bench/results.md.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from dateparser.search import search_dates

from agents.booking_request import read_booking_request
from agents.tests.test_booking_request import NOW, PHRASINGS

Phrasing = tuple[str, str, int | None, str | None, int | None]

UNSEEN: list[Phrasing] = [
    ("en", "could I reserve for 3 people on Friday at 7:15pm", 4, "19:15", 3),
    ("en", "table for six tomorrow night at 9", 4, "21:00", 6),
    ("en", "we'd like to come Wednesday around 1pm", 9, "13:00", None),
    ("en", "is Monday 10:30 possible for a haircut", 7, "10:30", None),
    ("en", "party of 8 on Saturday at 12:30", 5, "12:30", 8),
    ("en", "tomorrow 18:00, two of us", 4, "18:00", 2),
    ("en", "book me in for the day after tomorrow at 3pm", 5, "15:00", None),
    ("en", "at half past seven tonight", 3, "19:30", None),
    ("fr", "une table pour 3 vendredi soir à 21h", 4, "21:00", 3),
    ("fr", "est-ce possible mercredi à 12h30 ?", 9, "12:30", None),
    ("fr", "demain midi pour deux personnes", 4, "12:00", 2),
    ("fr", "après-demain vers 18h", 5, "18:00", None),
    ("fr", "nous serons cinq samedi à 20 heures", 5, "20:00", 5),
    ("fr", "lundi à 9h pour une coupe", 7, "09:00", None),
    ("fr", "ce soir 19h45, on sera 2", 3, "19:45", 2),
    ("fr", "réserver pour le 15 décembre à 13h", 15, "13:00", None),
    ("es", "quiero reservar para el jueves que viene a las 21:30", 10, "21:30", None),
    ("es", "mesa para seis mañana a las 14h", 4, "14:00", 6),
    ("es", "¿tienen sitio el sábado a las 22:00 para 2?", 5, "22:00", 2),
    ("es", "el lunes a las 10 de la mañana", 7, "10:00", None),
    ("es", "hoy a las 9 de la noche, somos 3", 3, "21:00", 3),
    ("es", "para el 20 de diciembre a las 13:30", 20, "13:30", None),
    ("es", "el miércoles a mediodía para cuatro", 9, "12:00", 4),
    ("es", "pasado mañana a las 19:00", 5, "19:00", None),
    ("de", "Tisch für 2 morgen um 18 Uhr", 4, "18:00", 2),
    ("de", "am Mittwoch um halb acht", 9, "19:30", None),
    ("de", "können wir am Montag um 9:15 kommen", 7, "09:15", None),
    ("de", "wir sind sechs Personen, Samstag 20 Uhr", 5, "20:00", 6),
    ("de", "heute um 14 Uhr", 3, "14:00", None),
    ("de", "am 20. Dezember um 19 Uhr", 20, "19:00", None),
    ("de", "Freitag abends um 8, zu viert", 4, "20:00", 4),
    ("de", "nächsten Donnerstag um 12:30", 10, "12:30", None),
    ("it", "vorrei prenotare per domani sera alle 21", 4, "21:00", None),
    ("it", "un tavolo per sei sabato alle 20:30", 5, "20:30", 6),
    ("it", "lunedì alle 9 per un taglio", 7, "09:00", None),
    ("it", "mercoledì a pranzo, siamo in due, alle 13", 9, "13:00", 2),
    ("it", "oggi alle 18", 3, "18:00", None),
    ("it", "il 19 dicembre alle 12", 19, "12:00", None),
    ("it", "giovedì prossimo alle 19:45", 10, "19:45", None),
    ("it", "dopodomani alle 10 di mattina per 3 persone", 5, "10:00", 3),
    ("pt", "queria reservar para amanhã às 13h", 4, "13:00", None),
    ("pt", "mesa para seis no sábado às 20h30", 5, "20:30", 6),
    ("pt", "segunda-feira às 9h para um corte", 7, "09:00", None),
    ("pt", "hoje às 19:00, somos dois", 3, "19:00", 2),
    ("pt", "quarta às 12h30", 9, "12:30", None),
    ("pt", "dia 18 às 21h", 18, "21:00", None),
    ("pt", "próxima quinta às 20h", 10, "20:00", None),
    ("pt", "depois de amanhã às 8 da noite para 4 pessoas", 5, "20:00", 4),
]


def expected(phrasing: Phrasing) -> tuple[date | None, time | None, int | None]:
    _, _, day, clock, party_size = phrasing
    return date(2026, 12, day) if day else None, time.fromisoformat(clock) if clock else None, party_size


def ours(phrasing: Phrasing) -> bool:
    language, words = phrasing[0], phrasing[1]
    request = read_booking_request(words, language, NOW)
    return (request.day, request.time, request.party_size) == expected(phrasing)


def dateparser_alone(phrasing: Phrasing) -> bool:
    """dateparser's first date in the message, for day and time (the party size is not its job)."""
    language, words = phrasing[0], phrasing[1]
    settings = {"RELATIVE_BASE": NOW.replace(tzinfo=None), "PREFER_DATES_FROM": "future"}
    found = search_dates(words, languages=[language], settings=settings)
    day, clock, _ = expected(phrasing)
    if not found:
        return day is None and clock is None
    moment: datetime = found[0][1]
    # A day alone comes back at midnight or at the clock's own time: only a said time is compared.
    return (moment.date() if day else None) == day and (moment.time() if clock else None) == clock


def rates(phrasings: list[Phrasing], check) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for phrasing in phrasings:
        counts[phrasing[0]][0] += check(phrasing)
        counts[phrasing[0]][1] += 1
    counts["all"] = [sum(passed for passed, _ in counts.values()), len(phrasings)]
    return {language: (passed, total) for language, (passed, total) in counts.items()}


def main() -> None:
    columns = [
        ("tested, rules", rates(PHRASINGS, ours)),
        ("tested, dateparser alone", rates(PHRASINGS, dateparser_alone)),
        ("unseen, rules", rates(UNSEEN, ours)),
        ("unseen, dateparser alone", rates(UNSEEN, dateparser_alone)),
    ]
    print("| language | " + " | ".join(name for name, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for language in ("en", "fr", "es", "de", "it", "pt", "all"):
        cells = [f"{column[language][0]}/{column[language][1]}" for _, column in columns]
        print(f"| {language} | " + " | ".join(cells) + " |")
    for phrasing in UNSEEN:
        if not ours(phrasing):
            request = read_booking_request(phrasing[1], phrasing[0], NOW)
            print(f"- unseen, missed: {phrasing[0]} {phrasing[1]!r}: {request}")


if __name__ == "__main__":
    main()
