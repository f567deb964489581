"""Where an inference process's memory goes, step by step, in a fresh process: `python -m bench.memory_probe N_CTX`.

Prints JSON: the context's KV cache size in bytes, and PSS in bytes after Django starts, after the
turn code's imports (LangChain, llama.cpp; a Celery worker process imports them on its first turn),
after loading the model with a tiny context and one generation, and after loading it instead with
the business's context. The last step
less the one before is the KV cache (with the compute buffers that grow with n_ctx), measured: the
first model is closed before the second is loaded.
"""

from __future__ import annotations

import json
import sys

import django

from .proc import pss


def kv_cache_bytes(metadata: dict[str, str], n_ctx: int) -> int:
    """The context's KV cache: n_ctx x layers x 2 (K and V) x KV width x 2 bytes (f16)."""
    architecture = metadata["general.architecture"]
    layers = int(metadata[f"{architecture}.block_count"])
    width = int(metadata[f"{architecture}.embedding_length"])
    heads, kv_heads = (
        int(metadata[f"{architecture}.attention.head_count"]),
        int(metadata[f"{architecture}.attention.head_count_kv"]),
    )
    return n_ctx * layers * 2 * (width // heads * kv_heads) * 2


def main(n_ctx: int) -> None:
    steps = {"python": pss("self")}
    django.setup()
    import agents.tasks  # noqa: F401  what the worker's parent imports before it forks

    steps["django and the task modules"] = pss("self")
    import agents.turns  # noqa: F401  what a worker process imports on its first turn
    from agents.llama_runtime import LoadedModel, ModelSettings
    from agents.model_files import resolve_model_path

    steps["the turn code's imports (LangChain, llama.cpp)"] = pss("self")
    for size in (256, n_ctx):
        model = LoadedModel(ModelSettings(path=resolve_model_path(), context_size=size))
        model.complete([{"role": "user", "content": "Hello"}], max_tokens=4, temperature=0.0)
        steps[f"the model loaded with n_ctx {size}, one generation"] = pss("self")
        kv_bytes = kv_cache_bytes(model.llama.metadata, size)
        model.llama.close()
    json.dump({"steps": steps, "kv_cache_bytes": kv_bytes}, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
