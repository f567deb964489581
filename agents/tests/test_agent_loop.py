"""The loop itself, with the model scripted by LangChain's fake chat model."""

import pytest
from langchain_core.messages import AIMessage

from agents.agent_loop import AgentTurn
from agents.models import AgentConfig, AgentRun

from .scripted_model import scripted, tool_step


@pytest.fixture
def model_config(shop) -> AgentConfig:
    config = shop.agent_config
    config.tool_strategy = AgentConfig.ToolStrategy.MODEL
    config.max_steps = 2
    return config


def test_the_model_chooses_a_tool_and_replies_with_its_facts(turn_context, model_config):
    model = scripted(tool_step("search_catalogue", query="oat milk"), AIMessage(content="Oat milk costs €2.10."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "price of oat milk?")
    assert outcome.text == "Oat milk costs €2.10." and outcome.outcome == AgentRun.Outcome.REPLIED
    assert [step["tool"] for step in outcome.trace if step["type"] == "tool"] == ["search_catalogue"]
    assert outcome.usage.prompt_tokens == 20


def test_a_draft_with_an_invented_price_is_replaced_by_the_data(turn_context, model_config):
    model = scripted(tool_step("search_catalogue", query="oat milk"), AIMessage(content="Oat milk costs 1.99 EUR."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "price of oat milk?")
    assert outcome.text == "Oat milk: €2.10 (available)."
    assert {"type": "reply", "source": "extractive", "draft": "Oat milk costs 1.99 EUR."} in outcome.trace


def test_the_number_of_tool_steps_is_bounded(turn_context, model_config):
    model = scripted(*[tool_step("search_knowledge", query="x")] * 2, AIMessage(content="Done."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "anything?")
    assert len([step for step in outcome.trace if step["type"] == "tool"]) == 2


def test_a_tool_the_model_invents_is_a_failed_step_not_a_crash(turn_context, model_config):
    model = scripted(tool_step("drop_tables"), AIMessage(content="Sorry."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "hmm")
    assert outcome.outcome == AgentRun.Outcome.FALLBACK and outcome.hand_over


def test_the_model_asking_for_a_handoff_hands_over(turn_context, model_config):
    model = scripted(tool_step("handoff_to_human", reason="refund request"))
    outcome = AgentTurn(turn_context, model_config, model).run([], "I want my money back")
    assert outcome.hand_over and outcome.handoff_reason == "refund request"
