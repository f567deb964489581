"""The worker's process loads the default model before its pool starts. A threads worker (the default) answers
with it in that process; a prefork worker's processes answer with the model they inherited: loading runs
nothing, so the fork is safe (after a run it would hang)."""

from pathlib import Path

import pytest

from agents.model_files import bundled_model_path
from agents.models import AgentRun
from channels.messenger.tests.test_webhook import raw
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def maps_model(pid: int) -> bool:
    # The kernel names a mapping by the file's real path: a virtualenv reached through a link has another.
    return str(bundled_model_path().resolve()) in Path(f"/proc/{pid}/maps").read_text()


def pool_processes(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def answered(post_signed, messenger_connection) -> AgentRun:
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    run = wait_until(lambda: AgentRun.objects.first(), what="the turn to be answered")
    assert run.outcome == AgentRun.Outcome.REPLIED and run.completion_tokens > 0
    return run


def test_a_threads_worker_answers_with_the_model_its_process_loaded_at_start(
    celery_worker, post_signed, messenger_connection, fake_platform
):
    assert maps_model(celery_worker.pid)
    answered(post_signed, messenger_connection)
    assert pool_processes(celery_worker.pid) == []


def test_the_prefork_pool_process_answers_with_the_model_the_workers_parent_loaded(
    start_worker, post_signed, messenger_connection, fake_platform
):
    worker = start_worker("prefork", PARLEY_WORKER_POOL="prefork", PARLEY_WORKER_CONCURRENCY="1")
    assert maps_model(worker.process.pid)
    answered(post_signed, messenger_connection)
    assert pool_processes(worker.process.pid)
    assert all(maps_model(pid) for pid in pool_processes(worker.process.pid))


def test_a_prefork_worker_given_model_slots_still_answers_and_says_they_are_wasted(
    start_worker, post_signed, messenger_connection, fake_platform
):
    # A batched model's loop is a thread, which a fork does not carry over: loaded in the parent, the pool
    # process's calls would wait for it forever. Each pool process loads its own instead.
    worker = start_worker(
        "prefork-slots", PARLEY_WORKER_POOL="prefork", PARLEY_WORKER_CONCURRENCY="1", PARLEY_MODEL_SLOTS="2"
    )
    assert "PARLEY_MODEL_SLOTS=2 in a prefork worker" in worker.log()
    assert not maps_model(worker.process.pid)
    answered(post_signed, messenger_connection)
