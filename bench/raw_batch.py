"""The machine's limit for the bundled model: llama.cpp's decode alone, no sampling, no Parley turn:
`python -m bench.raw_batch MODEL THREADS SEQUENCES CONTEXT[,CONTEXT...]`.

Prints JSON, by context: prompt tokens a second (a 256-token prompt in one batch), and generated tokens a
second with one sequence and with SEQUENCES sequences stepping together (one token each per llama_decode),
each after CONTEXT tokens of its own, as a turn computes its new tokens after the cells its conversation holds:
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


def main(path: str, threads: int, sequences: int, contexts: list[int]) -> None:
    longest = max(contexts)
    llama = Llama(model_path=path, n_ctx=SLICE, n_batch=SLICE, flash_attn=True, n_threads=threads, verbose=False)
    context = SequenceContext(llama, sequences, longest + max(PROMPT, STEPS), SLICE + sequences)
    words = llama.tokenize(TEXT, add_bos=False)
    tokens = (words * ((longest + PROMPT) // len(words) + 1))[: longest + PROMPT]

    def compute(sequence: int, start: int, end: int) -> None:
        for first in range(start, end, SLICE):
            piece = tokens[first : min(end, first + SLICE)]
            context.decode(piece, list(range(first, first + len(piece))), [sequence] * len(piece), [False] * len(piece))

    def prompt_rate(prefix: int) -> float:
        context.forget(0, prefix)
        started = time.perf_counter()
        compute(0, prefix, prefix + PROMPT)
        return PROMPT / (time.perf_counter() - started)

    def generation_rate(prefix: int, count: int) -> float:
        for sequence in range(count):
            context.forget(sequence, prefix)
        started = time.perf_counter()
        for step in range(STEPS):
            context.decode([tokens[step]] * count, [prefix + step] * count, list(range(count)), [True] * count)
        return count * STEPS / (time.perf_counter() - started)

    figures = {}
    held = 0
    for prefix in sorted(set(contexts)):
        # Sequence 0's cells grown to this context, then copied into every other sequence.
        context.forget(0, held)
        compute(0, held, prefix)
        held = prefix
        state = (ctypes.c_uint8 * context.state_size(0))()
        context.copy_state(0, state)
        for sequence in range(1, sequences):
            context.load_state(sequence, state)
        if not figures:
            prompt_rate(prefix)  # the first decode allocates
        # The best of two: the machine is shared, and the limit is what it allows when it lets us run.
        figures[str(prefix)] = {
            "prompt": max(prompt_rate(prefix) for _ in range(2)),
            "generate_1": max(generation_rate(prefix, 1) for _ in range(2)),
            f"generate_{sequences}": max(generation_rate(prefix, sequences) for _ in range(2)),
        }
    context.close()
    json.dump(figures, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(each) for each in sys.argv[4].split(",")])
