"""The machine's limit for the bundled model: llama.cpp's decode alone, no sampling, no Parley turn:
`python -m bench.raw_batch MODEL THREADS SEQUENCES`.

Prints JSON: prompt tokens a second (a 256-token prompt in one batch), and generated tokens a second
with one sequence and with SEQUENCES sequences stepping together (one token each per llama_decode), each
sequence after a 64-token prompt of its own, computed once. The decode goes through agents/llama_internals.py's
SequenceContext, which is nothing but llama_batch and llama_decode over a context of that many sequences.
"""

from __future__ import annotations

import json
import sys
import time

from llama_cpp import Llama

from agents.llama_internals import SequenceContext

PROMPT = 256
SLICE = 256
PREFIX = 64
STEPS = 16
TEXT = b"We bake sourdough, croissants and lemon tarts every morning and deliver within five kilometres. "


def main(path: str, threads: int, sequences: int) -> None:
    llama = Llama(model_path=path, n_ctx=SLICE, n_batch=SLICE, flash_attn=True, n_threads=threads, verbose=False)
    context = SequenceContext(llama, sequences, PROMPT + STEPS, SLICE + sequences)
    words = llama.tokenize(TEXT, add_bos=False)
    tokens = (words * (PROMPT // len(words) + 1))[:PROMPT]

    def prompt_rate() -> float:
        context.forget(0, 0)
        started = time.perf_counter()
        for start in range(0, PROMPT, SLICE):
            piece = tokens[start : start + SLICE]
            context.decode(piece, list(range(start, start + len(piece))), [0] * len(piece), [False] * len(piece))
        return PROMPT / (time.perf_counter() - started)

    for sequence in range(sequences):
        context.decode(tokens[:PREFIX], list(range(PREFIX)), [sequence] * PREFIX, [False] * PREFIX)

    def generation_rate(count: int) -> float:
        for sequence in range(count):
            context.forget(sequence, PREFIX)
        started = time.perf_counter()
        for step in range(STEPS):
            context.decode([tokens[step]] * count, [PREFIX + step] * count, list(range(count)), [True] * count)
        return count * STEPS / (time.perf_counter() - started)

    prompt_rate()  # the first decode allocates
    # The best of two: the machine is shared, and the limit is what it allows when it lets us run.
    figures = {
        "prompt": max(prompt_rate() for _ in range(2)),
        "generate_1": max(generation_rate(1) for _ in range(2)),
        f"generate_{sequences}": max(generation_rate(sequences) for _ in range(2)),
    }
    context.close()
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
