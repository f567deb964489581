"""Metrics as Prometheus scrapes them, after real webhooks answered by the real worker."""

import json
import os
import socket
import subprocess
import sys
import urllib.request

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from channels.messenger.tests.test_webhook import raw
from conversations.models import Message
from infrastructure import metrics
from tests.services import database_url
from tests.support import ROOT, wait_until

Sample = tuple[str, frozenset]


def scrape(client) -> dict[Sample, float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict[Sample, float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: dict[Sample, float], name: str) -> float:
    return sum(value for (sample, _), value in samples.items() if sample == name)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_webhook_turn_through_the_worker_is_counted(client, post_signed, messenger_connection, fake_platform):
    before = scrape(client)
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    wait_until(
        lambda: Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.SENT).exists(),
        what="the reply to be sent",
    )
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    assert post_signed(messenger_connection, raw("text_message"), signature="sha256=" + "0" * 64).status_code == 403
    assert post_signed(messenger_connection, "{not json").status_code == 400

    def grown(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    after = wait_until(
        lambda: (
            (samples := scrape(client))
            and value(samples, "parley_outbound_sends_total", platform="messenger", result="sent", code="")
            > value(before, "parley_outbound_sends_total", platform="messenger", result="sent", code="")
            and samples
        ),
        what="the worker's send to be counted",
    )
    assert grown("parley_webhook_deliveries_total", platform="messenger", outcome="accepted") == 2
    assert grown("parley_webhook_deliveries_total", platform="messenger", outcome="refused") == 1
    assert grown("parley_webhook_deliveries_total", platform="messenger", outcome="malformed") == 1
    assert grown("parley_inbound_messages_total", platform="messenger", outcome="stored") == 1
    assert grown("parley_inbound_messages_total", platform="messenger", outcome="duplicate") == 1
    assert grown("parley_agent_turns_total", outcome="replied") == 1
    assert grown("parley_tool_calls_total", tool="search_knowledge", outcome="found") == 1
    assert grown("parley_turn_duration_seconds_count") == 1
    assert grown("parley_time_to_first_token_seconds_count") == 1
    assert grown("parley_generation_tokens_per_second_count") >= 1
    assert grown("parley_reply_latency_seconds_count", platform="messenger") == 1
    assert grown("parley_reply_latency_seconds_sum", platform="messenger") > 0
    assert grown("parley_outbound_sends_total", platform="messenger", result="sent", code="") == 1
    assert total(after, "parley_handoffs_total") == total(before, "parley_handoffs_total")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_a_platform_refusal_is_counted_with_its_error_code(client, post_signed, messenger_connection, fake_platform):
    from tests.fake_platform import Answer

    fake_platform.script(
        Answer(200, {"recipient_id": "6785123409871234"}),  # the typing indicator
        Answer(400, {"error": {"message": "(#551) This person isn't available right now.", "code": 551}}),
    )
    before = scrape(client)
    assert post_signed(messenger_connection, raw("text_message")).status_code == 200
    failed = wait_until(
        lambda: Message.objects.filter(direction=Message.Direction.OUTBOUND, status=Message.Status.FAILED).first(),
        what="the reply to fail",
    )
    labels = {"platform": "messenger", "result": "failed", "code": failed.error_code}
    after = wait_until(
        lambda: (
            (samples := scrape(client))
            and value(samples, "parley_outbound_sends_total", **labels)
            > value(before, "parley_outbound_sends_total", **labels)
            and samples
        ),
        what="the failure to be counted",
    )
    assert failed.error_code == "551"
    assert (
        value(after, "parley_outbound_sends_total", **labels) - value(before, "parley_outbound_sends_total", **labels)
        == 1
    )


@pytest.mark.django_db
def test_a_send_failing_on_its_last_attempt_is_counted_as_failed_not_as_retried(
    client, messenger_connection, fake_platform
):
    from conversations import outbox
    from conversations.events import CustomerMessage
    from conversations.inbound import store_customer_message
    from conversations.sending import TemporarySendError
    from tests.fake_platform import Answer

    inbound = store_customer_message(
        messenger_connection, CustomerMessage(platform_message_id="m_last", sender_id="6785123409871234", text="Hi")
    )
    reply = outbox.queue_reply(inbound.conversation, "Hello!", author=Message.Author.AGENT, reply_to=inbound)
    fake_platform.script(Answer(503, b"upstream unavailable", {"Content-Type": "text/plain"}))
    before = scrape(client)
    with pytest.raises(TemporarySendError):
        outbox.deliver(reply.pk, last_attempt=True)
    after = scrape(client)
    reply.refresh_from_db()

    def grown(result: str) -> float:
        labels = {"platform": "messenger", "result": result, "code": reply.error_code}
        return value(after, "parley_outbound_sends_total", **labels) - value(
            before, "parley_outbound_sends_total", **labels
        )

    assert (grown("failed"), grown("will_retry")) == (1, 0)


def test_queue_depth_is_the_number_of_tasks_waiting_in_redis(client, settings, monkeypatch):
    declared = metrics.task_queues
    monkeypatch.setattr(metrics, "task_queues", lambda: [*declared(), "parley-test-idle"])
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush("parley-test-idle", *[json.dumps({"n": n}) for n in range(3)])
    try:
        samples = scrape(client)
    finally:
        broker.delete("parley-test-idle")
    assert value(samples, "parley_queue_depth", queue="parley-test-idle") == 3
    assert ("parley_queue_depth", frozenset({"queue": "llm"}.items())) in samples


def test_metrics_are_refused_to_other_machines_when_no_token_is_set(client):
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403


def test_a_scraper_elsewhere_reads_the_metrics_with_the_bearer_token(client, settings):
    settings.PARLEY_METRICS_TOKEN = "scrape-me-7731"
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer scrape-me-7731").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_a_worker_on_its_own_machine_serves_its_metrics_on_the_port_it_is_given(settings, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "PARLEY_WORKER_METRICS_PORT": str(port),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    }
    # A queue nothing is sent to: this worker must not take the session worker's tasks.
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "parley-metrics-test", "-c", "1",
         "-n", f"metrics-test-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        page = wait_until(
            lambda: _get(f"http://127.0.0.1:{port}/metrics"), timeout=60, what="the worker's metrics port"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert 'parley_queue_depth{queue="llm"}' in page


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None
