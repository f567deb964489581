"""The baseline of the agent-overhead benchmark: plain llama-cpp-python in a bare script, nothing of Parley.

Speaks JSON lines on standard input and output, so that the benchmark can run each of its turns
right after Parley's (the machine's speed drifts over minutes; turns side by side see the same).
The first line is the job (model path, n_ctx, batch size, flash attention, threads, temperature):
the model is loaded and the load time answered. Each following line is one turn's model calls, each
a list of prompt tokens and a number of tokens to generate; the turn's seconds are answered. Every
call runs on one `Llama`, so llama.cpp's own prefix reuse applies as it does in the worker.
End-of-sequence is suppressed so each call generates exactly as many tokens as Parley's did.
"""

from __future__ import annotations

import json
import sys
import time

from llama_cpp import Llama


def answer(value: dict) -> None:
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def main() -> None:
    job = json.loads(sys.stdin.readline())
    started = time.perf_counter()
    llama = Llama(
        model_path=job["model_path"],
        n_ctx=job["n_ctx"],
        n_batch=job["n_batch"],
        n_ubatch=job["n_batch"],
        flash_attn=job["flash_attn"],
        n_threads=job["threads"],
        verbose=False,
    )
    answer({"load_seconds": time.perf_counter() - started})
    no_end = {llama.token_eos(): float("-inf")}
    for line in sys.stdin:
        started = time.perf_counter()
        for call in json.loads(line):
            llama.create_completion(
                call["tokens"],
                max_tokens=call["max_tokens"],
                temperature=job["temperature"],
                top_p=0.9,
                repeat_penalty=1.1,
                logit_bias=no_end,
            )
        answer({"seconds": time.perf_counter() - started})


if __name__ == "__main__":
    main()
