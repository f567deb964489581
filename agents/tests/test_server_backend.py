"""The agent on an OpenAI-compatible llama.cpp server instead of the in-process model."""

import subprocess
import sys
import time

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from agents.model_files import bundled_model_path
from agents.models import AgentConfig, AgentRun
from agents.server_chat_model import ServerChatModel
from agents.tools import build_tools
from agents.turns import answer_inbound_message
from conversations.events import CustomerMessage
from conversations.inbound import store_customer_message
from conversations.models import Message
from tests.services import free_port
from tests.support import ARTIFACTS


@pytest.fixture(scope="module")
def model_server() -> str:
    """llama-cpp-python's OpenAI-compatible server with the bundled model, on loopback."""
    port = free_port()
    log = (ARTIFACTS / "model-server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()), "--model_alias", "smollm2",
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/models", timeout=1).is_success:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"the model server did not start: {(ARTIFACTS / 'model-server.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_a_tool_call_from_the_server_parses_and_validates(model_server, turn_context):
    tools = build_tools(turn_context)
    model = ServerChatModel(base_url=model_server, model="smollm2", max_tokens=48, temperature=0.0)
    step = model.bind_tools(tools, tool_choice="order_status").invoke(
        [SystemMessage("You look up orders."), HumanMessage("Where is my order A-1042?")]
    )
    [call] = step.tool_calls
    assert call["name"] == "order_status" and isinstance(call["args"]["reference"], str)
    assert step.response_metadata["prompt_tokens"] > 0


def test_the_server_draws_the_same_reply_for_a_seed_and_other_replies_for_other_seeds(model_server):
    def reply(seed: int) -> str:
        model = ServerChatModel(base_url=model_server, model="smollm2", max_tokens=16, temperature=0.9, seed=seed)
        return str(model.invoke([HumanMessage("Do you deliver to the city centre?")]).content)

    # The first request computes the whole prompt, the next ones take it from the server's cache,
    # where the last bits of its scores may differ: enough to draw another token now and then.
    reply(1)
    replies = {seed: reply(seed) for seed in (7, 8, 9)}
    assert reply(7) == replies[7]
    assert len(set(replies.values())) == 3


def test_a_turn_runs_on_the_server_backend(model_server, shop, console_contact):
    AgentConfig.objects.filter(business=shop).update(
        backend=AgentConfig.Backend.OPENAI, server_url=model_server, server_model="smollm2"
    )
    inbound = store_customer_message(
        console_contact.connection,
        CustomerMessage(
            platform_message_id="server-1", sender_id=console_contact.platform_user_id, text="How much is the oat milk?"
        ),
    )
    answer_inbound_message(inbound.pk, settle=False)
    reply = Message.objects.get(reply_to=inbound)
    assert "€2.10" in reply.text
    run = AgentRun.objects.get(reply=reply)
    assert run.model == "smollm2" and run.prompt_tokens > 0
