"""`python -m evaluation` (`make eval`): play the evaluation set on the real turn code and model, print the table.

The businesses are imported into a fresh SQLite database under var/eval/, removed at the end
(EVAL_DATABASE_URL names another, which must be empty). A full run writes its table to
eval/results.md; a slice (--category, --language, --business, --id) only prints, unless --save.
See eval/README.md.
"""

from __future__ import annotations

import argparse
import atexit
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .dataset import EVAL_DIR, LANGUAGES, Conversation, load_businesses, load_conversations

if TYPE_CHECKING:
    from .runner import ConversationResult

ROOT = EVAL_DIR.parent
RESULTS = EVAL_DIR / "results.md"
# Short replies keep a full run within minutes on two cores; the set's expectations need no more.
REPLY_TOKENS = 48


def _choices(text: str | None) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()} if text else set()


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--category", help="only these categories (comma-separated)")
    parser.add_argument("--language", help=f"only conversations in these languages ({', '.join(LANGUAGES)})")
    parser.add_argument("--business", help="only these businesses' conversations (slugs)")
    parser.add_argument("--id", help="only these conversations (ids)")
    parser.add_argument("--failures", action="store_true", help="list each failed conversation, reply and expectation")
    parser.add_argument("--model", type=Path, help="a GGUF file to run instead of the bundled model")
    parser.add_argument("--reply-tokens", type=int, default=REPLY_TOKENS, help="the agent's max_reply_tokens")
    parser.add_argument("--save", action="store_true", help="write a slice's table to eval/results.md too")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def _environment(args: argparse.Namespace) -> None:
    """Settings are read at django.setup(): this run's database, model and quiet logs come first."""
    if "EVAL_DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["EVAL_DATABASE_URL"]
    else:
        # A database of its own per run, so that two runs (two models) can go side by side.
        (ROOT / "var" / "eval").mkdir(parents=True, exist_ok=True)
        directory = tempfile.mkdtemp(prefix="run-", dir=ROOT / "var" / "eval")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{directory}/eval.sqlite3"
    # Turns run in this process (Celery eager): no broker, no Redis, nothing shared with a running Parley.
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PARLEY_LOG_LEVEL", "ERROR")
    os.environ.setdefault("PARLEY_MODEL_THREADS", str(os.cpu_count() or 1))
    if args.model is not None:
        os.environ["PARLEY_MODEL_PATH"] = str(args.model.resolve())


def main(argv: list[str]) -> int:
    args = arguments(argv)
    _environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from . import report, runner

    businesses = load_businesses()
    wanted = {
        "category": _choices(args.category),
        "language": _choices(args.language),
        "business": _choices(args.business),
        "id": _choices(args.id),
    }
    conversations = interleaved(
        conversation
        for conversation in load_conversations()
        if all(not values or getattr(conversation, name) in values for name, values in wanted.items())
    )
    if not conversations:
        print("no conversation matches", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    runner.import_businesses(businesses.values(), runner.agent_settings(args.reply_tokens))
    print(f"{len(conversations)} conversations, {sum(len(c.turns) for c in conversations)} turns", file=sys.stderr)
    results = runner.play_all(conversations, businesses, on_result=_progress)
    print(file=sys.stderr)
    model = args.model.name if args.model else "the bundled SmolLM2-135M"
    sliced = any(wanted.values())
    scope = ", ".join(f"{name} {','.join(sorted(values))}" for name, values in wanted.items() if values)
    title = f"{'Slice: ' + scope if sliced else 'Whole set'}, {model}"
    played = (
        f"{len(results)} conversations"
        if len(results) == len(conversations)
        else (f"interrupted: {len(results)} of {len(conversations)} conversations played")
    )
    details = f"{played}; replies of at most {args.reply_tokens} tokens."
    text = report.table(results, title, details)
    print(text)
    if args.failures:
        print("\n" + report.failures(results))
    if args.save or not sliced:
        report.write_section(args.output, title, text)
    return 0


def interleaved(conversations: Iterable[Conversation]) -> list[Conversation]:
    """Each category, and in it each business, in turn: a run cut short still covers all of them."""
    by_business = _round_robin(conversations, lambda conversation: conversation.business)
    return _round_robin(by_business, lambda conversation: conversation.category)


def _round_robin(conversations: Iterable[Conversation], key: Callable[[Conversation], str]) -> list[Conversation]:
    groups: dict[str, list[Conversation]] = {}
    for conversation in conversations:
        groups.setdefault(key(conversation), []).append(conversation)
    rounds = itertools.zip_longest(*groups.values())
    return [conversation for round_ in rounds for conversation in round_ if conversation is not None]


def _progress(result: ConversationResult) -> None:
    print("." if result.passed else "x", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
