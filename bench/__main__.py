"""`python -m bench [--smoke] [--rows ROWS] [--output FILE]`: every benchmark on the real stack, one table.

The benchmark's database (BENCH_DATABASE_URL, created and migrated here) and Redis (BENCH_REDIS_URL;
its keys carry their own prefix) are its own. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

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
    # Benchmark 6: conversations at once (each a slot of its own when batched), and turns each at scale.
    concurrent: int = 16
    scale_turns: int = 20


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
    concurrent=2,
    scale_turns=2,
)

# The benchmarks by the rows they write, in the order they run; `--rows` runs some of them.
ROWS = ("ingest", "overhead", "memory", "latency", "naive", "throughput", "transcription")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes: checks the bench code, measures nothing worth keeping"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.md")
    parser.add_argument("--log-dir", type=Path, default=BENCH_DIR.parent / "var" / "bench")
    parser.add_argument("--turns", type=int, help="turns per conversation in benchmarks 2 and 5 (default 30)")
    parser.add_argument("--concurrent", type=int, help="conversations at once in benchmark 6 (default 16)")
    parser.add_argument("--scale-turns", type=int, help="turns per conversation at scale in benchmark 6 (default 20)")
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help=f"only these benchmarks, comma-separated, among {', '.join(ROWS)}: their table goes into results.md"
        " as a section of its own, the rest of the file kept",
    )
    args = parser.parse_args()
    rows = tuple(name for name in ROWS if name in args.rows.split(","))
    if unknown := set(args.rows.split(",")) - set(ROWS):
        parser.error(f"no rows {', '.join(sorted(unknown))}")
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
    if args.concurrent:
        sizes = replace(sizes, concurrent=args.concurrent)
    if args.scale_turns:
        sizes = replace(sizes, scale_turns=args.scale_turns)
    report = run(sizes, args.log_dir, rows)
    if rows == ROWS:
        args.output.write_text(report + kept_by_hand(args.output))
    else:
        args.output.write_text(with_section(args.output, rows, report))
    print(report)


# The section of results.md that `make bench` does not measure: figures behind choices in the code.
KEPT_BY_HAND = "\n## Measured while writing the code\n"


def kept_by_hand(output: Path) -> str:
    previous = output.read_text() if output.exists() else ""
    return previous[previous.index(KEPT_BY_HAND) :] if KEPT_BY_HAND in previous else ""


def with_section(output: Path, rows: tuple[str, ...], report: str) -> str:
    """results.md with these rows' report as a section of its own, in place of their previous one, before the
    section kept by hand."""
    previous = output.read_text() if output.exists() else ""
    start, end = f"<!-- bench rows: {','.join(rows)} -->\n", f"<!-- end of bench rows: {','.join(rows)} -->\n"
    if start in previous:
        before, rest = previous.split(start, 1)
        previous = before + rest.split(end, 1)[1]
    kept = kept_by_hand(output)
    head = previous[: previous.index(KEPT_BY_HAND)] if KEPT_BY_HAND in previous else previous
    section = report.replace("# Parley benchmark results", f"## Rows run on their own: {', '.join(rows)}", 1)
    return f"{head.rstrip()}\n\n{start}{section.rstrip()}\n{end}{kept}"


def run(sizes: Sizes, log_dir: Path, rows: tuple[str, ...] = ROWS) -> str:
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

    from . import history, ingest, memory, overhead, throughput, transcription
    from .report import Results, render
    from .stack import bench_business, celery_worker, empty_broker, gunicorn, messenger_connection

    call_command("migrate", verbosity=0)
    business = bench_business(sizes.reply_tokens)
    # The previous run's rows, deleted with its business, would otherwise slow this run's inserts
    # (the dead rows are still in the tables and their indexes until a vacuum).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    empty_broker()
    started = time.monotonic()

    def done(what: str) -> None:
        print(f"[bench] {what} done at {time.monotonic() - started:.0f} s", flush=True)

    results = Results(reply_tokens=sizes.reply_tokens, load_before=load_before)
    if "ingest" in rows or "overhead" in rows:
        with gunicorn(log_dir) as web:
            if "ingest" in rows:
                # No worker runs while deliveries are poured in: the turns they enqueue are dropped after.
                results.ingest = ingest.run(
                    web.url,
                    messenger_connection(business, "http://127.0.0.1:9"),
                    sizes.rate,
                    sizes.paced_count,
                    sizes.wrk_seconds,
                    sizes.wrk_capacity,
                    log_dir,
                )
                empty_broker()
                done("3. webhook ingest")
            if "overhead" in rows:
                with celery_worker(log_dir):
                    results.overhead = overhead.run(web.url, business, sizes.overhead_turns)
                done("1. agent overhead")
        empty_broker()
    if "memory" in rows:
        # Before the benchmarks that load the model in this process, whose mapping of the model file
        # would take a share of the workers' weights in the PSS measured.
        results.memory = memory.run(business, sizes.memory_processes, log_dir)
        empty_broker()
        done("4. memory")
    if "latency" in rows or "naive" in rows:
        results.single_on = history.parley_turns(business, sizes.history_turns, 1, reuse=True)
    if "latency" in rows:
        results.single_off = history.parley_turns(business, sizes.history_turns, 1, reuse=False)
        results.interleaved_on = history.parley_turns(business, sizes.history_turns, sizes.interleaved, reuse=True)
        results.interleaved_off = history.parley_turns(business, sizes.history_turns, sizes.interleaved, reuse=False)
        done("2. turn latency")
    if "naive" in rows:
        results.naive = history.naive_turns(business, sizes.naive_turns)
        done("5. naive baseline")
    if "throughput" in rows:
        results.throughput = throughput.run(business, sizes.concurrent, sizes.scale_turns)
        empty_broker()
        done("6. many customers at once")
    if "transcription" in rows:
        results.transcription = transcription.run(sizes.transcriptions)
        done("7. transcription")
    return render(results)


if __name__ == "__main__":
    main()
