"""The machine's limit for the bundled model: llama.cpp's decode alone, no sampling, no Parley turn:
`python -m bench.raw_batch MODEL THREADS SEQUENCES CONTEXT`.

Prints JSON: prompt tokens a second (a 256-token prompt in one batch), and generated tokens a second
with one sequence and with SEQUENCES sequences stepping together (one token each per llama_decode), each
after CONTEXT tokens of its own, as a turn computes its new tokens after the cells its conversation holds:
attention reads every cell of its sequence, so a longer context costs every step more. The decode goes
through agents/llama_internals.py's SequenceContext, which is nothing but llama_batch and llama_decode over a
context of that many sequences.
"""

from __future__ import annotations

import ctypes
import json
import sys
import time

from llama_cpp import Llama

from agents.llama_internals import SequenceContext

PROMPT = 256
SLICE = 256
STEPS = 16
TEXT = b"We bake sourdough, croissants and lemon tarts every morning and deliver within five kilometres. "


def main(path: str, threads: int, sequences: int, prefix: int) -> None:
    llama = Llama(model_path=path, n_ctx=SLICE, n_batch=SLICE, flash_attn=True, n_threads=threads, verbose=False)
    context = SequenceContext(llama, sequences, prefix + max(PROMPT, STEPS), SLICE + sequences)
    words = llama.tokenize(TEXT, add_bos=False)
    tokens = (words * ((prefix + PROMPT) // len(words) + 1))[: prefix + PROMPT]

    def compute(sequence: int, start: int, end: int) -> None:
        for first in range(start, end, SLICE):
            piece = tokens[first : min(end, first + SLICE)]
            context.decode(piece, list(range(first, first + len(piece))), [sequence] * len(piece), [False] * len(piece))

    def prompt_rate() -> float:
        context.forget(0, prefix)
        started = time.perf_counter()
        compute(0, prefix, prefix + PROMPT)
        return PROMPT / (time.perf_counter() - started)

    # The context computed once, copied into every sequence.
    compute(0, 0, prefix)
    state = (ctypes.c_uint8 * context.state_size(0))()
    context.copy_state(0, state)
    for sequence in range(1, sequences):
        context.load_state(sequence, state)

    def generation_rate(count: int) -> float:
        for sequence in range(count):
            context.forget(sequence, prefix)
        started = time.perf_counter()
        for step in range(STEPS):
            context.decode([tokens[step]] * count, [prefix + step] * count, list(range(count)), [True] * count)
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
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
