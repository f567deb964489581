"""A LangChain chat model over the process-wide llama.cpp model.

LangChain's own ChatLlamaCpp loads its own Llama per instance and has defaults wrong for modern
models; this one shares the loaded model and reports the figures an AgentRun records.
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from .llama_runtime import ChatTurn, ModelSettings, get_model

ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}


def to_chat_turns(messages: list[BaseMessage]) -> list[ChatTurn]:
    return [{"role": ROLES[message.type], "content": str(message.content)} for message in messages]


class LocalLlamaChatModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: ModelSettings
    temperature: float = 0.3
    max_tokens: int = 160

    @property
    def _llm_type(self) -> str:
        return "parley-llama-cpp"

    def count_prompt_tokens(self, messages: list[BaseMessage]) -> int:
        tokens, _ = get_model(self.settings).prompt_tokens(to_chat_turns(messages))
        return len(tokens)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        model = get_model(self.settings)
        completion = model.complete(
            to_chat_turns(messages), max_tokens=self.max_tokens, temperature=self.temperature, stop=stop
        )
        message = AIMessage(
            content=completion.text,
            response_metadata={
                "model": model.name,
                "prompt_tokens": completion.prompt_tokens,
                "prompt_tokens_evaluated": completion.prompt_tokens_evaluated,
                "completion_tokens": completion.completion_tokens,
                "time_to_first_token": completion.time_to_first_token,
                "total_time": completion.total_time,
            },
            usage_metadata={
                "input_tokens": completion.prompt_tokens,
                "output_tokens": completion.completion_tokens,
                "total_tokens": completion.prompt_tokens + completion.completion_tokens,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])
