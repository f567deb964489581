"""Memory of concurrent conversations: `python -m bench.slots_probe N` prints the PSS (bytes) of a fresh
process whose model generated for N conversations at once, each in a sequence of the business's context
(agents/batched_generation.py), saved states off. Two runs, 1 and N, differ by N - 1 conversations' own
memory: the weights are counted once in each."""

from __future__ import annotations

import dataclasses
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import django

from .proc import pss


def main(slots: int) -> None:
    django.setup()
    from agents.llama_runtime import LoadedModel
    from agents.models import AgentConfig
    from agents.turns import chat_model_for

    model_settings = dataclasses.replace(chat_model_for(AgentConfig()).settings, slots=slots, kv_cache_bytes=0)
    model = LoadedModel(model_settings)
    prompts = [[{"role": "user", "content": f"Tell me about bread number {index}."}] for index in range(slots)]
    with ThreadPoolExecutor(slots) as pool:
        list(pool.map(lambda messages: model.complete(messages, max_tokens=8, temperature=0.0), prompts))
    json.dump({"pss": pss("self")}, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
