"""The agent's model behind an OpenAI-compatible server (llama.cpp's llama-server, or
llama-cpp-python's server) instead of in the worker: for GPUs serving many conversations at once.

The step schema is sent as `response_format` {"type": "json_object", "schema": ...}, which both
servers turn into the same grammar the in-process backend uses, so steps parse here too.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from django.conf import settings

from infrastructure.credential_hosts import HostNotAllowed, check_base_url

from .chat_model import StepChatModel
from .llama_runtime import ChatTurn, Completion


class ServerUnavailable(RuntimeError):
    pass


def server_base_url(url: str) -> str:
    """The server's URL, refused before any request unless PARLEY_MODEL_SERVER_HOSTS lists its host:
    the API key and the conversation go with every request, whatever wrote the URL in the database."""
    try:
        return check_base_url(url, settings.PARLEY_MODEL_SERVER_HOSTS, "PARLEY_MODEL_SERVER_HOSTS")
    except HostNotAllowed as error:
        raise ServerUnavailable(str(error)) from error


class ServerChatModel(StepChatModel):
    base_url: str
    model: str = ""
    api_key: str = ""
    timeout_seconds: float = 120.0

    @property
    def _llm_type(self) -> str:
        return "parley-openai-compatible"

    @property
    def model_name(self) -> str:
        return self.model or self.base_url

    def complete(
        self,
        turns: list[ChatTurn],
        schema: dict[str, Any] | None,
        stop: list[str] | None,
        deadline: float | None,
        cache_key: Any,
    ) -> Completion:
        base_url = server_base_url(self.base_url)
        body: dict[str, Any] = {
            # OpenAI's format wants tool results tied to tool_call ids; as text they read the same to a model.
            "messages": [{**turn, "role": "user"} if turn["role"] == "tool" else turn for turn in turns],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stream": False,
            # llama-server keeps each slot's prompt cache; the conversation picks its slot's cache back up.
            "cache_prompt": True,
        }
        if self.model:
            body["model"] = self.model
        if self.seed is not None:
            body["seed"] = self.seed
        if stop:
            body["stop"] = stop
        if schema is not None:
            body["response_format"] = {"type": "json_object", "schema": schema}
        timeout = self.timeout_seconds if deadline is None else max(0.1, deadline - time.monotonic())
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        started = time.perf_counter()
        try:
            response = httpx.post(f"{base_url}/chat/completions", json=body, headers=headers, timeout=timeout)
            response.raise_for_status()
            answer = response.json()
        except httpx.TimeoutException:
            return Completion("", 0, 0, 0, None, time.perf_counter() - started, timed_out=True)
        except (httpx.HTTPError, ValueError) as error:
            raise ServerUnavailable(f"the model server at {self.base_url} failed: {type(error).__name__}") from error
        total = time.perf_counter() - started
        usage = answer.get("usage") or {}
        timings = answer.get("timings") or {}
        prompt_tokens = int(usage.get("prompt_tokens") or 0)
        return Completion(
            text=str(answer["choices"][0]["message"].get("content") or "").strip(),
            prompt_tokens=prompt_tokens,
            # llama-server says how much of the prompt it computed; other servers do not.
            prompt_tokens_evaluated=int(timings.get("prompt_n", prompt_tokens)),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            time_to_first_token=None,
            total_time=total,
        )
