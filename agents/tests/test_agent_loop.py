"""The loop itself, with the model scripted by LangChain's fake chat model."""

from datetime import UTC, datetime

import pytest
from langchain_core.messages import AIMessage

from agents import reply_choices
from agents.agent_loop import AgentTurn
from agents.models import AgentConfig, AgentRun
from business.models import Customer, Order

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
    model = scripted(tool_step("search_catalogue", query="oat milk"), AIMessage(content="Oat milk costs €1.99."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "price of oat milk?")
    assert outcome.text == "Oat milk: €2.10, in stock."
    assert {"type": "reply", "source": "extractive", "draft": "Oat milk costs €1.99."} in outcome.trace


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


def test_a_reply_asking_which_order_offers_each_as_a_choice(turn_context, model_config, shop):
    customer = Customer.objects.get(business=shop, reference="c-1")
    Order.objects.create(
        business=shop,
        reference="A-1077",
        customer=customer,
        status=Order.Status.PREPARING,
        updated_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC),
    )
    model = scripted(tool_step("order_status"), AIMessage(content="Which one?"))
    outcome = AgentTurn(turn_context, model_config, model).run([], "where is my order?")
    assert "Which one do you mean?" in outcome.text
    asked = outcome.text.split(": ")[1].split(".")[0].split(", ")
    assert sorted(asked) == ["A-1042", "A-1077"]
    # In the order the reply names them: "the second one" and the second button are the same order.
    assert [(choice.id, choice.title) for choice in outcome.choices] == [("option:1", asked[0]), ("option:2", asked[1])]


def test_an_order_not_found_offers_a_person(turn_context, model_config):
    model = scripted(tool_step("order_status", reference="ZZ-9"), AIMessage(content="Sorry."))
    outcome = AgentTurn(turn_context, model_config, model).run([], "where is my order ZZ-9?")
    assert "ZZ-9" in outcome.text and outcome.choices == reply_choices.talk_to_a_person()
    assert [choice.title for choice in outcome.choices] == ["Talk to a person"]


def test_picking_talk_to_a_person_hands_over_in_any_language(turn_context, shop):
    turn_context.chosen = reply_choices.TALK_TO_A_PERSON
    outcome = AgentTurn(turn_context, shop.agent_config, scripted()).run([], "Mitarbeiter sprechen")
    assert outcome.hand_over and outcome.outcome == AgentRun.Outcome.HANDOFF
