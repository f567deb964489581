"""A chat model whose steps the test writes: LangChain's fake chat model, shaped like ours."""

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agents.llama_runtime import ModelSettings
from agents.model_files import bundled_model_path

USAGE = {
    "prompt_tokens": 10, "prompt_tokens_evaluated": 4, "completion_tokens": 3, "time_to_first_token": 0.01,
    "total_time": 0.02, "timed_out": False,
}  # fmt: skip


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
