"""A LangChain chat model over the process-wide llama.cpp model, with tool calls that always parse.

LangChain's ChatLlamaCpp loads its own Llama per instance and cannot leave the choice of tool to
the model; llama-cpp-python's own tool calling drops tool results (see docs in the README). Here the
output is constrained by a JSON-schema grammar over exactly the bound tools' argument schemas and a
final reply, so every step is one of {"tool": name, "args": {...}} or {"reply": "..."}.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from llama_cpp import LlamaGrammar
from pydantic import ConfigDict, Field

from .llama_runtime import ChatTurn, Completion, ModelSettings, get_model

ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}
NO_TOOLS = "none"
MAX_ARGUMENT_LENGTH = 80


def to_chat_turns(messages: list[BaseMessage]) -> list[ChatTurn]:
    turns = []
    for message in messages:
        if isinstance(message, AIMessage) and message.tool_calls:
            content = "\n".join(json.dumps({"tool": call["name"], "args": call["args"]}) for call in message.tool_calls)
        elif isinstance(message, AIMessage):
            content = json.dumps({"reply": str(message.content)}, ensure_ascii=False)
        elif isinstance(message, ToolMessage):
            content = f"{message.name}: {message.content}"
        else:
            content = str(message.content)
        turns.append({"role": ROLES[message.type], "content": content})
    return turns


def step_schema(tools: list[dict[str, Any]], tool_choice: str | None) -> dict[str, Any]:
    """One JSON object per allowed tool with its argument schema, plus the final reply unless a tool is required."""
    options = []
    for tool in tools:
        function = tool["function"]
        if tool_choice not in (None, "auto", "any") and function["name"] != tool_choice:
            continue
        arguments = {key: value for key, value in function.get("parameters", {}).items() if key != "description"}
        arguments.setdefault("type", "object")
        # A tiny model may ramble inside a string argument: bound each one so a step always ends.
        arguments["properties"] = {
            name: {"maxLength": MAX_ARGUMENT_LENGTH, **spec} if spec.get("type") == "string" else spec
            for name, spec in arguments.get("properties", {}).items()
        }
        options.append(
            {
                "type": "object",
                "properties": {"tool": {"const": function["name"]}, "args": arguments},
                "required": ["tool", "args"],
            }
        )
    if tool_choice in (None, "auto", NO_TOOLS) or not options:
        options.append({"type": "object", "properties": {"reply": {"type": "string"}}, "required": ["reply"]})
    return options[0] if len(options) == 1 else {"anyOf": options}


@lru_cache(maxsize=64)
def compiled_grammar(schema_json: str) -> LlamaGrammar:
    return LlamaGrammar.from_json_schema(schema_json, verbose=False)


def parse_step(text: str) -> AIMessage:
    """The step the model took; an empty reply marked `cut_off` when max_tokens or the deadline cut it short."""
    try:
        # strict=False: the grammar lets raw newlines into strings, which strict JSON forbids.
        step = json.loads(text, strict=False)
    except ValueError:
        return AIMessage(content="", additional_kwargs={"cut_off": text[:500]})
    if "tool" in step:
        return AIMessage(
            content="",
            tool_calls=[{"name": step["tool"], "args": step.get("args") or {}, "id": f"call_{uuid.uuid4().hex[:12]}"}],
        )
    return AIMessage(content=str(step.get("reply", "")).strip())


class ClosedJson:
    """Fed a JSON step piece by piece, tells when its object has closed: the step's grammar allows
    nothing after it but whitespace and the end, so generation stops there instead of sampling
    them: the end was a token the grammar had to find in the whole vocabulary, a slow step."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def __call__(self, piece: bytes) -> bool:
        for byte in piece:
            if self.in_string:
                if self.escaped:
                    self.escaped = False
                elif byte == ord("\\"):
                    self.escaped = True
                elif byte == ord('"'):
                    self.in_string = False
            elif byte == ord('"'):
                self.in_string = True
            elif byte in b"{[":
                self.depth += 1
            elif byte in b"}]":
                self.depth -= 1
                if self.depth == 0:
                    return True
        return False


class StepChatModel(BaseChatModel):
    """What both backends share: tools bound as a step schema, steps parsed, figures reported."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    temperature: float = 0.3
    max_tokens: int = 160
    # Seeds the sampling (temperature above 0): the same prompt and seed draw the same tokens.
    # 31 bits: llama.cpp's seeds are 32-bit, and all ones means "a random seed".
    seed: int | None = Field(default=None, ge=0, lt=2**31)

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """tool_choice: None/"auto" (a tool or a reply), "any" (some tool), a tool's name, or "none" (a reply)."""
        return self.bind(tools=[convert_to_openai_tool(tool) for tool in tools], tool_choice=tool_choice, **kwargs)

    @property
    def model_name(self) -> str:
        raise NotImplementedError

    def complete(
        self,
        turns: list[ChatTurn],
        schema: dict[str, Any] | None,
        stop: list[str] | None,
        deadline: float | None,
        cache_key: Any,
    ) -> Completion:
        raise NotImplementedError

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | None = None,
        deadline: float | None = None,
        cache_key: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        schema = None if tools is None else step_schema(tools, tool_choice)
        completion = self.complete(to_chat_turns(messages), schema, stop, deadline, cache_key)
        message = parse_step(completion.text) if schema is not None else AIMessage(content=completion.text)
        message.response_metadata = {
            "model": self.model_name,
            "prompt_tokens": completion.prompt_tokens,
            "prompt_tokens_evaluated": completion.prompt_tokens_evaluated,
            "completion_tokens": completion.completion_tokens,
            "time_to_first_token": completion.time_to_first_token,
            "total_time": completion.total_time,
            "timed_out": completion.timed_out,
        }
        message.usage_metadata = {
            "input_tokens": completion.prompt_tokens,
            "output_tokens": completion.completion_tokens,
            "total_tokens": completion.prompt_tokens + completion.completion_tokens,
        }
        return ChatResult(generations=[ChatGeneration(message=message)])


class LocalLlamaChatModel(StepChatModel):
    """The process-wide llama.cpp model in this worker; the schema becomes a llama.cpp grammar."""

    settings: ModelSettings

    @property
    def _llm_type(self) -> str:
        return "parley-llama-cpp"

    @property
    def model_name(self) -> str:
        return self.settings.path.name

    def complete(
        self,
        turns: list[ChatTurn],
        schema: dict[str, Any] | None,
        stop: list[str] | None,
        deadline: float | None,
        cache_key: Any,
    ) -> Completion:
        grammar = None if schema is None else compiled_grammar(json.dumps(schema, sort_keys=True))
        return get_model(self.settings).complete(
            turns,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            seed=self.seed,
            stop=stop,
            grammar=grammar,
            deadline=deadline,
            cache_key=cache_key,
            ends=None if grammar is None else ClosedJson(),
        )
