"""Tool calls from the real model always parse and validate, whatever the model."""

import json

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.utils.function_calling import convert_to_openai_tool

from agents.chat_model import ClosedJson, LocalLlamaChatModel, compiled_grammar, step_schema
from agents.llama_internals import grammar_text
from agents.llama_runtime import ModelSettings
from agents.model_files import bundled_model_path
from agents.prompts import system_message
from agents.tools import BUILTIN_TOOL_NAMES, build_tools, tool_result

QUESTIONS = {
    "search_knowledge": "Do you deliver?",
    "business_info": "When are you open?",
    "search_catalogue": "How much is the oat milk?",
    "order_status": "Where is my order A-1042?",
    "create_booking": "Book a table for 2 on 2030-06-01 at 11:00",
    "capture_lead": "I'd like a quote for catering, email me at alex@example.com",
    "handoff_to_human": "I want a person",
}


@pytest.fixture(scope="module")
def chat_model() -> LocalLlamaChatModel:
    return LocalLlamaChatModel(
        settings=ModelSettings(path=bundled_model_path(), context_size=2048), max_tokens=160, temperature=0.0
    )


def test_every_step_schema_compiles_to_a_real_grammar(turn_context):
    tools = [convert_to_openai_tool(tool) for tool in build_tools(turn_context)]
    for choice in (None, "any", "none", *BUILTIN_TOOL_NAMES):
        grammar = grammar_text(compiled_grammar(json.dumps(step_schema(tools, choice), sort_keys=True)))
        # A schema llama.cpp cannot convert silently becomes "any JSON": ours must name the tools.
        assert ("reply" in grammar) == (choice in (None, "none"))
        assert all(f'\\"{name}\\"' in grammar for name in BUILTIN_TOOL_NAMES if choice in (None, "any", name))


@pytest.mark.parametrize("name", BUILTIN_TOOL_NAMES)
def test_each_tool_is_called_with_valid_arguments_from_real_model_output(chat_model, turn_context, shop, name):
    tools = build_tools(turn_context)
    tool = next(tool for tool in tools if tool.name == name)
    system = system_message(shop, shop.agent_config, tools)
    step = chat_model.bind_tools(tools, tool_choice=name).invoke([system, HumanMessage(QUESTIONS[name])])
    assert step.tool_calls, step.additional_kwargs
    [call] = step.tool_calls
    assert call["name"] == name
    tool.tool_call_schema.model_validate(call["args"])
    result = tool_result(tool.invoke(call["args"]))
    assert result.content


def test_a_free_step_is_a_tool_call_or_a_reply(chat_model, turn_context, shop):
    tools = build_tools(turn_context)
    step = chat_model.bind_tools(tools).invoke([system_message(shop, shop.agent_config, tools), HumanMessage("Hello")])
    assert step.tool_calls or isinstance(step.content, str)
    assert step.response_metadata["prompt_tokens"] > 0


def test_a_step_is_complete_when_its_outer_object_closes_not_at_braces_inside_strings():
    closed = ClosedJson()
    pieces = [b'{"tool": "x", "args": {', b'"note": "a } and { and \\" and ] "', b"}", b"}"]
    assert [closed(piece) for piece in pieces] == [False, False, False, True]


def test_without_tools_the_model_writes_plain_text(chat_model):
    answer = chat_model.invoke([SystemMessage("You are helpful."), HumanMessage("Say hello.")])
    assert isinstance(answer.content, str) and not answer.tool_calls


def test_argument_schemas_avoid_what_crashes_llama_cpps_grammar_converter(turn_context):
    # `pattern` makes llama-cpp-python 0.3.36 segfault while sampling; see agents/tools.py.
    for tool in build_tools(turn_context):
        assert '"pattern"' not in json.dumps(tool.tool_call_schema.model_json_schema()), tool.name
