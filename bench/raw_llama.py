"""The baseline of the agent-overhead benchmark: plain llama-cpp-python in a bare script, nothing of Parley.

Reads a job (JSON: model path, n_ctx, threads, temperature, and per turn the model calls, each a list
of prompt tokens and a number of tokens to generate), loads the model, runs every call in order on
one `Llama` (so llama.cpp's own prefix reuse applies as it does in the worker) and prints, as JSON,
the load time and each turn's seconds. End-of-sequence is suppressed so each call generates exactly
as many tokens as Parley's did.
"""
from __future__ import annotations

import json
import sys
import time

from llama_cpp import Llama


def main(job_path: str) -> None:
    with open(job_path) as job_file:
        job = json.load(job_file)
    started = time.perf_counter()
    llama = Llama(model_path=job["model_path"], n_ctx=job["n_ctx"], n_batch=512, n_threads=job["threads"], verbose=False)
    load = time.perf_counter() - started
    no_end = {llama.token_eos(): float("-inf")}
    turns = []
    for calls in job["turns"]:
        started = time.perf_counter()
        for call in calls:
            llama.create_completion(
                call["tokens"],
                max_tokens=call["max_tokens"],
                temperature=job["temperature"],
                top_p=0.9,
                repeat_penalty=1.1,
                logit_bias=no_end,
            )
        turns.append(time.perf_counter() - started)
    json.dump({"load_seconds": load, "turn_seconds": turns}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
