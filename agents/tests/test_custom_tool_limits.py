"""A business's own HTTP tool cannot hold the shared worker past the turn's budget, nor reach an address
that is not globally routable (issue 14 items 5 and 11)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.messages import AIMessage

from agents.agent_loop import AgentTurn, TurnTimedOut
from agents.custom_tools import call_http_tool
from agents.models import MAX_TIME_BUDGET_SECONDS, AgentConfig, HttpTool

from .scripted_model import scripted, tool_step

BUDGET_SECONDS = 1.5
# How long after its budget a turn may take to stop: the tool's connection is cut at the deadline.
SLACK_SECONDS = 0.5


class SlowToolServer:
    """A tool server that answers after `delay` seconds, sending its answer a byte every `pause` seconds from
    byte `trickle_from` on: 0 trickles the headers too."""

    ANSWER = b'{"in_stock": 12}' * 10

    def __init__(self, delay: float, pause: float, trickle_from: int) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(self.ANSWER), self.ANSWER)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(delay)
                try:
                    self.wfile.write(answer[:trickle_from])
                    for byte in answer[trickle_from:]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(pause)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # Parley hung up: what the tests expect

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/stock"


@pytest.fixture
def slow_tool(turn_context, settings) -> Iterator[Callable[..., HttpTool]]:
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = True
    servers = []

    def slow_tool(delay: float = 0, pause: float = 0, trickle_from: int = 0) -> HttpTool:
        servers.append(SlowToolServer(delay, pause, trickle_from))
        return HttpTool.objects.create(
            business=turn_context.business, name="check_stock", description="Stock of a product.",
            url=servers[-1].url, signing_secret="tool-secret", timeout_seconds=30,
        )  # fmt: skip

    yield slow_tool
    for server in servers:
        server.http.shutdown()


def run_turn_calling_the_tool(turn_context) -> float:
    """A turn whose model calls the tool; how long the turn took, which ran over its budget."""
    config = turn_context.business.agent_config
    config.tool_strategy, config.max_steps = AgentConfig.ToolStrategy.MODEL, 2
    config.time_budget_seconds = BUDGET_SECONDS
    model = scripted(tool_step("check_stock", product="oat milk"), AIMessage(content="12 in stock."))
    started = time.monotonic()
    with pytest.raises(TurnTimedOut):
        AgentTurn(turn_context, config, model).run([], "Do you have oat milk?")
    return time.monotonic() - started


def test_a_tool_server_that_sleeps_cannot_hold_a_turn_past_its_budget(turn_context, slow_tool):
    slow_tool(delay=10)
    assert run_turn_calling_the_tool(turn_context) < BUDGET_SECONDS + SLACK_SECONDS


# A byte every 0.1 s is well within any read timeout: 16 s for the answer alone.
def test_a_tool_server_that_trickles_its_answer_cannot_hold_a_turn_past_its_budget(turn_context, slow_tool):
    slow_tool(pause=0.1, trickle_from=-len(SlowToolServer.ANSWER))
    assert run_turn_calling_the_tool(turn_context) < BUDGET_SECONDS + SLACK_SECONDS


def test_a_tool_server_that_trickles_its_headers_cannot_hold_a_turn_past_its_budget(turn_context, slow_tool):
    slow_tool(pause=0.1, trickle_from=0)
    assert run_turn_calling_the_tool(turn_context) < BUDGET_SECONDS + SLACK_SECONDS


def test_a_time_budget_written_as_nan_still_gives_the_turn_a_deadline(turn_context):
    # Written around the validators, as a script or a direct SQL update could.
    AgentConfig.objects.filter(business=turn_context.business).update(time_budget_seconds=float("nan"))
    config = AgentConfig.objects.get(business=turn_context.business)
    turn = AgentTurn(turn_context, config, scripted(AIMessage(content="Hello.")))
    assert turn.deadline - time.monotonic() <= MAX_TIME_BUDGET_SECONDS


@pytest.mark.parametrize(
    "address",
    [
        "100.100.100.200",  # carrier-grade NAT: a cloud's metadata service
        "169.254.169.254",  # link-local metadata service
        "::ffff:10.0.0.1",  # a private IPv4 address inside an IPv6 one
        "64:ff9b::a00:1",  # the same through NAT64
        "64:ff9b:1::6464:64c8",  # local-use NAT64, which Python counts as global
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "ff02::1",
    ],
)
def test_a_tool_on_an_address_that_is_not_globally_routable_is_refused(shop, settings, address):
    settings.PARLEY_HTTP_TOOL_ALLOWED_HOSTS = [address]
    settings.PARLEY_HTTP_TOOL_ALLOW_PRIVATE = False
    host = f"[{address}]" if ":" in address else address
    url = f"http://{host}/latest/meta-data/"
    tool = HttpTool(business=shop, name="metadata", url=url, signing_secret="s", timeout_seconds=0.5)
    answer = call_http_tool(tool, {})
    assert answer.startswith(f"The tool is not available: {address} resolves to ")
    assert answer.endswith("a private or local address")
