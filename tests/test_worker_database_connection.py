"""The worker keeps its database connections (one per thread) from one task to the next, as a web process
keeps its own between requests: Celery closed it after every task, and each turn opened two (its answer's and its
send's), each a new server process slow to its first query (bench/results.md)."""

from datetime import datetime

import pytest
from django.db import connection

from agents.models import AgentRun
from channels.messenger.tests.test_webhook import raw
from conversations.models import Message
from tests.support import WORKER_APPLICATION_NAME, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def worker_connections_opened() -> list[datetime]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT backend_start FROM pg_stat_activity WHERE application_name = %s AND datname = current_database()",
            [WORKER_APPLICATION_NAME],
        )
        return [opened for (opened,) in cursor.fetchall()]


def test_the_reply_is_sent_over_the_connection_its_turn_was_answered_on(
    celery_worker, post_signed, messenger_connection, fake_platform
):
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    wait_until(
        lambda: Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT).exists(),
        what="the reply to be sent",
    )
    # Opened before the turn recorded its run: the send that followed opened none of its own. A threads
    # worker keeps one per thread, and the turn's settle wait may have run on another thread than the turn.
    opened = worker_connections_opened()
    assert opened and all(each <= AgentRun.objects.get().created_at for each in opened)
