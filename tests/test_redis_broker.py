"""The broker transport keeps one Redis client per channel: publishes reuse it, and a forked process (a
gunicorn or Celery worker) publishes through it on connections of its own."""

import os
import uuid

from django.conf import settings
from kombu import Connection


def broker() -> Connection:
    return Connection(settings.CELERY_BROKER_URL, transport=settings.CELERY_BROKER_TRANSPORT)


def test_publishes_on_a_channel_reuse_one_redis_client_and_arrive():
    with broker() as connection:
        queue = connection.SimpleQueue(f"test-kept-client-{uuid.uuid4().hex}")
        channel = connection.default_channel
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second
        queue.put({"message_id": 1})
        queue.put({"message_id": 2})
        assert [queue.get(timeout=5).payload["message_id"] for _ in range(2)] == [1, 2]
        queue.clear()
        queue.close()


def test_a_forked_process_publishes_through_the_kept_client_on_its_own_connection():
    with broker() as connection:
        queue = connection.SimpleQueue(f"test-forked-{uuid.uuid4().hex}")
        queue.put({"from": "parent"})
        child = os.fork()
        if child == 0:
            # The parent's socket must not be shared: redis-py sees the new pid and connects anew.
            try:
                queue.put({"from": "child"})
            except BaseException:
                os._exit(1)
            os._exit(0)
        assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
        assert sorted(queue.get(timeout=5).payload["from"] for _ in range(2)) == ["child", "parent"]
        queue.clear()
        queue.close()
