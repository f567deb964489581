"""`python -m bench [--smoke] [--only ingest] [--output FILE]`: every benchmark on the real stack, one table.

The benchmark's database (BENCH_DATABASE_URL, created and migrated here) and Redis (BENCH_REDIS_URL;
its keys carry their own prefix) are its own. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported once Django is set up
    from business.models import Business

    from .ingest import IngestResult

BENCH_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sizes:
    overhead_turns: int = 15
    history_turns: int = 30
    naive_turns: int = 30
    interleaved: int = 4
    rate: float = 600
    paced_count: int = 3000
    wrk_seconds: float = 5
    wrk_capacity: int = 25_000
    memory_processes: tuple[int, ...] = (1, 2, 4)
    reply_tokens: int = 48
    transcriptions: int = 5


SMOKE = Sizes(
    overhead_turns=1,
    history_turns=2,
    naive_turns=1,
    interleaved=2,
    paced_count=20,
    wrk_seconds=1,
    wrk_capacity=10_000,
    memory_processes=(1, 2),
    reply_tokens=8,
    transcriptions=1,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes: checks the bench code, measures nothing worth keeping"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument("--log-dir", type=Path, default=BENCH_DIR.parent / "var" / "bench")
    parser.add_argument("--turns", type=int, help="turns per conversation in benchmarks 2 and 5 (default 30)")
    parser.add_argument(
        "--only",
        choices=["ingest"],
        help="run this benchmark alone and replace its rows in the existing output, which keeps the others",
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_parley")
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
    os.environ.setdefault("PARLEY_LOG_LEVEL", "WARNING")
    # One inference at a time per worker here, so it may use every core (llama.cpp's default is half).
    os.environ.setdefault("PARLEY_MODEL_THREADS", str(os.cpu_count()))
    args.log_dir.mkdir(parents=True, exist_ok=True)
    sizes = SMOKE if args.smoke else Sizes()
    if args.turns:
        sizes = replace(sizes, history_turns=args.turns, naive_turns=args.turns)
    if args.only == "ingest":
        if not args.output.exists():
            parser.error(
                f"--only ingest replaces rows of {args.output}, which does not exist: run the whole bench once"
            )
        report = run_ingest_alone(sizes, args.log_dir, args.output.read_text())
        args.output.write_text(report)
    else:
        report = run(sizes, args.log_dir)
        args.output.write_text(report + kept_by_hand(args.output))
    print(report)


# The section of results.md that `make bench` does not measure: figures behind choices in the code.
KEPT_BY_HAND = "\n## Measured while writing the code\n"


def kept_by_hand(output: Path) -> str:
    previous = output.read_text() if output.exists() else ""
    return previous[previous.index(KEPT_BY_HAND) :] if KEPT_BY_HAND in previous else ""


def prepared_stack(sizes: Sizes) -> tuple[float, Business]:
    """The load average before anything ran, and the bench business on a migrated, vacuumed database."""
    import django

    from .stack import create_database

    load_before = os.getloadavg()[0]
    create_database(os.environ["DATABASE_URL"])
    django.setup()
    from infrastructure.process_start import start_process

    # Started as a worker is: it reads the workers' metrics, and its raw llama.cpp baseline runs with
    # the workers' thread tuning.
    start_process()
    from django.core.management import call_command
    from django.db import connection

    from .stack import bench_business, empty_broker

    call_command("migrate", verbosity=0)
    business = bench_business(sizes.reply_tokens)
    # The previous run's rows, deleted with its business, would otherwise slow this run's inserts
    # (the dead rows are still in the tables and their indexes until a vacuum).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    empty_broker()
    return load_before, business


def ingested(sizes: Sizes, web_url: str, business: Business, log_dir: Path) -> IngestResult:
    """Benchmark 3; no worker runs while deliveries are poured in: the turns they enqueue are dropped after."""
    from . import ingest
    from .stack import empty_broker, messenger_connection

    result = ingest.run(
        web_url,
        messenger_connection(business, "http://127.0.0.1:9"),
        sizes.rate,
        sizes.paced_count,
        sizes.wrk_seconds,
        sizes.wrk_capacity,
        log_dir,
    )
    empty_broker()
    return result


def run_ingest_alone(sizes: Sizes, log_dir: Path, previous: str) -> str:
    load_before, business = prepared_stack(sizes)
    from .report import with_ingest_alone
    from .stack import gunicorn

    with gunicorn(log_dir) as web:
        result = ingested(sizes, web.url, business, log_dir)
    return with_ingest_alone(previous, result, load_before)


def run(sizes: Sizes, log_dir: Path) -> str:
    load_before, business = prepared_stack(sizes)
    from . import history, memory, overhead, transcription
    from .report import Results, render
    from .stack import celery_worker, empty_broker, gunicorn

    started = time.monotonic()

    def done(what: str) -> None:
        print(f"[bench] {what} done at {time.monotonic() - started:.0f} s", flush=True)

    with gunicorn(log_dir) as web:
        ingest = ingested(sizes, web.url, business, log_dir)
        done("3. webhook ingest")
        with celery_worker(log_dir):
            agent_overhead = overhead.run(web.url, business, sizes.overhead_turns)
        done("1. agent overhead")
    empty_broker()
    # Before the benchmarks that load the model in this process, whose mapping of the model file
    # would take a share of the workers' weights in the PSS measured.
    footprint = memory.run(business, sizes.memory_processes, log_dir)
    empty_broker()
    done("4. memory")
    single_on = history.parley_turns(business, sizes.history_turns, 1, reuse=True)
    single_off = history.parley_turns(business, sizes.history_turns, 1, reuse=False)
    interleaved_on = history.parley_turns(business, sizes.history_turns, sizes.interleaved, reuse=True)
    interleaved_off = history.parley_turns(business, sizes.history_turns, sizes.interleaved, reuse=False)
    done("2. turn latency")
    naive = history.naive_turns(business, sizes.naive_turns)
    done("5. naive baseline")
    transcribed = transcription.run(sizes.transcriptions)
    done("6. transcription")
    return render(
        Results(
            overhead=agent_overhead,
            single_on=single_on,
            single_off=single_off,
            interleaved_on=interleaved_on,
            interleaved_off=interleaved_off,
            naive=naive,
            ingest=ingest,
            memory=footprint,
            transcription=transcribed,
            reply_tokens=sizes.reply_tokens,
            load_before=load_before,
        )
    )


if __name__ == "__main__":
    main()
