"""The loop itself, with the model scripted by LangChain's fake chat model."""
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.agent_loop import AgentTurn
from agents.llama_runtime import ModelSettings
from agents.models import AgentConfig, AgentRun
from agents.model_files import bundled_model_path

USAGE = {"prompt_tokens": 10, "prompt_tokens_evaluated": 4, "completion_tokens": 3, "time_to_first_token": 0.01, "total_time": 0.02, "timed_out": False}


class ScriptedModel(GenericFakeChatModel):
    """Answers with the scripted steps in order, whatever tools are bound."""

    settings: Any = ModelSettings(path=bundled_model_path())
    max_tokens: int = 24

    def bind_tools(self, tools, *, tool_choice=None, **kwargs):
        return self

    def invoke(self, messages, deadline=None, **kwargs):
        step = super().invoke(messages)
        step.response_metadata = dict(USAGE)
        return step


def scripted(*steps: AIMessage) -> ScriptedModel:
    return ScriptedModel(messages=iter(steps))


def tool_step(name: str, **args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call_{name}"}])


@pytest.fixture
def model_config(shop) -> AgentConfig:
    config = shop.agent_config
    config.tool_strategy = AgentConfig.ToolStrategy.MODEL
    config.max_steps = 2
    return config


def test_the_model_chooses_a_tool_and_replies_with_its_facts(turn_context, model_config):
    model = scripted(tool_step("search_catalogue", query="oat milk"), AIMessage(content="Oat milk costs 2.10 EUR."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "price of oat milk?")
    assert outcome.text == "Oat milk costs 2.10 EUR." and outcome.outcome == AgentRun.Outcome.REPLIED
    assert [step["tool"] for step in outcome.trace if step["type"] == "tool"] == ["search_catalogue"]
    assert outcome.usage.prompt_tokens == 20


def test_a_draft_with_an_invented_price_is_replaced_by_the_data(turn_context, model_config):
    model = scripted(tool_step("search_catalogue", query="oat milk"), AIMessage(content="Oat milk costs 1.99 EUR."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "price of oat milk?")
    assert outcome.text == "Oat milk: 2.10 EUR (available)."
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
