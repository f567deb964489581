"""The evaluation's figures as a Markdown table, and its failures as text a person can act on."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from pathlib import Path

from .runner import ConversationResult, TurnResult

SECTION = re.compile(r"<!-- section: (?P<key>[^>]*) -->.*?<!-- end of section -->\n?", re.DOTALL)
HEADER = (
    "# Evaluation results\n\n"
    "Written by `make eval` (eval/README.md). A conversation passes when every one of its turns does.\n"
)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "–"


def _rows(results: list[ConversationResult], key: Callable[[ConversationResult], str]) -> list[str]:
    lines = []
    for value in sorted({key(result) for result in results}):
        group = [result for result in results if key(result) == value]
        replies = [turn for result in group for turn in result.turns if turn.reply is not None]
        kept = sum(turn.reply_source == "model" for turn in replies)
        turns = [turn for result in group for turn in result.turns]
        lines.append(
            f"| {value} | {_share(sum(r.passed for r in group), len(group))} "
            f"| {_share(sum(t.passed for t in turns), len(turns))} | {_share(kept, len(replies))} |"
        )
    return lines


def table(results: list[ConversationResult], title: str, details: str) -> str:
    turns = [turn for result in results for turn in result.turns]
    replies = [turn for turn in turns if turn.reply is not None]
    times = [turn.elapsed_ms for turn in turns if turn.elapsed_ms is not None]
    head = "| {} | conversations passed | turns passed | model draft kept |\n|---|---|---|---|"
    return "\n".join(
        [
            f"## {title}",
            "",
            details,
            "",
            head.format("category"),
            *_rows(results, lambda result: result.conversation.category),
            "",
            head.format("language"),
            *_rows(results, lambda result: result.conversation.language),
            "",
            "| overall | |\n|---|---|",
            f"| conversations passed | {_share(sum(r.passed for r in results), len(results))} |",
            f"| turns passed | {_share(sum(t.passed for t in turns), len(turns))} |",
            f"| replies whose model draft was kept | {_share(sum(t.reply_source == 'model' for t in replies), len(replies))} |",  # noqa: E501
            f"| median turn time | {statistics.median(times) / 1000:.2f} s |" if times else "| median turn time | – |",
            f"| wrong bookings | {sum(turn.wrong_booking for turn in turns)} |",
            f"| replies with an invented price, time or order status | {sum(bool(turn.invented) for turn in turns)} |",
        ]
    )


def write_section(path: Path, key: str, text: str) -> None:
    """Put this run's table in the results file, in place of the same kind of run's earlier table."""
    section = f"<!-- section: {key} -->\n{text}\n<!-- end of section -->\n"
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    sections = {match["key"]: match[0] for match in SECTION.finditer(existing)}
    sections[key] = section
    path.write_text(HEADER + "\n" + "\n".join(sections[name] for name in sorted(sections)), encoding="utf-8")


def failures(results: list[ConversationResult]) -> str:
    """Each failed conversation, turn by turn: what the customer said, the reply, what was wrong."""
    blocks = []
    for result in results:
        if result.passed:
            continue
        conversation = result.conversation
        lines = [f"✗ {conversation.id} ({conversation.category}, {conversation.language}, {conversation.business})"]
        lines += [_turn_lines(turn) for turn in result.turns]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _turn_lines(turn: TurnResult) -> str:
    mark = "  ok" if turn.passed else "  !!"
    reply = "(no reply)" if turn.reply is None else turn.reply.replace("\n", " ")
    lines = [f"{mark} customer: {turn.said}", f"     agent [{turn.reply_source or '-'}]: {reply}"]
    wrong = turn.problems + [f"invented {item}" for item in turn.invented]
    if wrong:
        lines.append(f"     wrong: {'; '.join(wrong)}")
    return "\n".join(lines)
