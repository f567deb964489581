"""`make run`'s set-up on a machine with neither PostgreSQL nor Redis: SQLite and a broker in files."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(var_dir: Path, *args: str) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["PARLEY_VAR_DIR"] = str(var_dir)
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_demo_answers_from_its_data_on_the_embedded_defaults(tmp_path):
    manage(tmp_path, "migrate", "--noinput", "-v", "0")
    assert "Demo business: Crumb & Co. Bakery" in manage(tmp_path, "setup_demo")
    assert (tmp_path / "parley.sqlite3").is_file() and (tmp_path / "broker" / "queue").is_dir()
    # SQLite's FTS5 index finds the product, the FAQ answer and the document, as PostgreSQL's does.
    assert "€1.40" in manage(tmp_path, "chat", "demo-bakery", "--message", "How much is a croissant?")
    assert "30 EUR" in manage(tmp_path, "chat", "demo-bakery", "--message", "Do you deliver?")
    order = manage(
        tmp_path, "chat", "demo-bakery", "--customer", "+33612345678", "--message", "Where is my order A-1042?"
    )
    assert "A-1042" in order and "ready" in order.lower()


def test_the_file_broker_writes_its_queue_bindings_under_var_not_in_the_working_directory(tmp_path):
    # kombu's default keeps each exchange's bindings in control/ under the working directory: the checkout.
    working_directory, var_dir = tmp_path / "cwd", tmp_path / "var"
    working_directory.mkdir()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env["PARLEY_VAR_DIR"] = str(var_dir)
    enqueue = "from agents.tasks import answer_message; answer_message.delay(0)"
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", enqueue],
        cwd=working_directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(working_directory.iterdir()) == []
    assert (var_dir / "broker" / "control" / "llm.exchange").is_file()
    assert len(list((var_dir / "broker" / "queue").glob("*.llm.msg"))) == 1
