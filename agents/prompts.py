"""The prompt of a turn: the business's instructions and tools first, the conversation last.

The system part depends only on the business and its agent's settings, so it is the same token
prefix on every turn and llama.cpp reuses its cached computation instead of evaluating it again.
Facts are not written here: they reach the model as tool results, which the reply is checked against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import cast

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import BaseTool
from langchain_core.utils.pydantic import TypeBaseModel
from pydantic import BaseModel

from business.models import Business
from conversations.events import Kind
from conversations.models import Message

from .models import AgentConfig

STEP_FORMAT = (
    'Answer with one JSON object: {"tool": "<name>", "args": {...}} to use a tool, or {"reply": "<text>"} '
    "to answer the customer in one or two short sentences, using only facts from tool results."
)


def tool_lines(tools: list[BaseTool]) -> list[str]:
    return [f"- {tool.name}({_arguments_json(tool)}): {tool.description}" for tool in tools]


# Deriving a tool's argument schema from its model is slow next to a turn's other work; a built-in
# tool's arguments model is the same on every turn (tools.py), so its line is derived once.
_MODEL_ARGUMENTS: dict[tuple[str, TypeBaseModel | None], str] = {}


def _arguments_json(tool: BaseTool) -> str:
    if isinstance(tool.args_schema, dict):  # a custom HTTP tool's JSON schema, as staff wrote it
        return json.dumps(tool.args_schema.get("properties", {}))
    key = (tool.name, tool.args_schema)
    if key not in _MODEL_ARGUMENTS:
        # A pydantic 2 model: the built-in tools' are made from their signatures (tools.py).
        schema = cast(type[BaseModel], tool.tool_call_schema)
        _MODEL_ARGUMENTS[key] = json.dumps(schema.model_json_schema().get("properties", {}))
    return _MODEL_ARGUMENTS[key]


def system_message(business: Business, config: AgentConfig, tools: list[BaseTool]) -> SystemMessage:
    lines = [
        config.instructions.strip(),
        "",
        f"You work for {business.name}. Tools:",
        *tool_lines(tools),
        "",
        STEP_FORMAT,
    ]
    return SystemMessage("\n".join(lines))


def history_messages(messages: Iterable[Message]) -> list[BaseMessage]:
    return [
        HumanMessage(message.text) if message.direction == Message.Direction.INBOUND else AIMessage(message.text)
        for message in messages
        if message.text and message.kind not in Kind.NOT_ANSWERED
    ]
