"""The worker's parent loads the default model before it forks its pool, and the pool process answers
with the model it inherited: loading runs nothing, so the fork is safe (after a run it would hang)."""

from pathlib import Path

import pytest

from agents.model_files import bundled_model_path
from agents.models import AgentRun
from channels.messenger.tests.test_webhook import raw
from tests.support import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def maps_model(pid: int) -> bool:
    return str(bundled_model_path()) in Path(f"/proc/{pid}/maps").read_text()


def pool_processes(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_the_pool_process_answers_with_the_model_the_workers_parent_loaded(
    celery_worker, post_signed, messenger_connection, fake_platform
):
    assert maps_model(celery_worker.pid)
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200

    run = wait_until(lambda: AgentRun.objects.first(), what="the turn to be answered")
    assert run.outcome == AgentRun.Outcome.REPLIED and run.completion_tokens > 0
    assert all(maps_model(pid) for pid in pool_processes(celery_worker.pid))
