"""Each task runs on the queue it declares: turns on `llm`, sends and quick database work on `outbound`."""

import warnings

import pytest
from celery import current_app

EXPECTED = {
    "agents.tasks.answer_message": "llm",
    "agents.tasks.remind_due_bookings": "outbound",
    "agents.tasks.ask_for_ratings": "outbound",
    "conversations.tasks.deliver_message": "outbound",
    "conversations.tasks.sweep_unfinished_work": "outbound",
    "conversations.tasks.transcribe_voice_note": "llm",
    "console.tasks.run_comparison": "llm",
    "console.tasks.run_replay": "llm",
    "operations.tasks.purge_expired_transcripts": "outbound",
}


@pytest.mark.parametrize("name, queue", EXPECTED.items())
def test_a_task_is_routed_to_the_queue_it_declares_whether_sent_as_a_task_or_by_name(name, queue):
    router = current_app.amqp.router
    assert router.route({}, name, task_type=current_app.tasks[name])["queue"].name == queue
    assert router.route({}, name)["queue"].name == queue


def test_every_parley_task_declares_its_queue_without_celerys_deprecated_attribute():
    ours = [task for name, task in current_app.tasks.items() if not name.startswith("celery.")]
    assert {task.name for task in ours} == set(EXPECTED)
    assert all("queue" not in type(task).__dict__ for task in ours)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        current_app.amqp.router.route({}, "agents.tasks.answer_message")
