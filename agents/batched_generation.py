"""Several conversations' generations in one llama.cpp context, their steps computed together.

Generating a token reads the whole model for one token: sixteen sequences stepping in one llama_decode read
it once for all sixteen (bench/results.md, "the machine's limit"). Turns running on threads of one process
hand their model calls here (LoadedModel.complete, when PARLEY_MODEL_SLOTS is set); one loop per model feeds
every running call's next token, and slices of the prompts still being computed, into each decode, so a turn
that arrives while others generate joins them at the next step (continuous batching).

Each call keeps what it keeps alone: its own grammar, seed, stop strings and deadline (token_stream.py, the
same choice of tokens as one at a time), and its conversation's cells. A slot's sequence keeps the cells of
the last conversation it served: that conversation's next turn takes the same slot back and computes only
its new tokens; a slot taken by another conversation first saves them (kv_cache.py), and a new turn starts
from the saved state sharing most of its prompt. Saved when taken, not when a call ends: the copy holds every
call's next step, and grows with the conversation, while a conversation keeping its slot never needs it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
from llama_cpp import Llama

from .kv_cache import KvStateCache, common_prefix, state_buffer
from .llama_internals import DecodeFailed, SequenceContext
from .token_stream import TokenStream

logger = logging.getLogger(__name__)


class GeneratorClosed(RuntimeError):
    pass


@dataclass(eq=False)
class GenerationJob:
    """One model call: its prompt's tokens, and the stream that picks its tokens."""

    prompt: list[int]
    stream: TokenStream
    deadline: float | None
    cache_key: Hashable | None
    # Set by the loop: prompt tokens computed (not found in the slot or a saved state).
    evaluated: int = 0
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    # Prompt tokens in the sequence's cells so far, and the token to compute next once generating.
    position: int = 0
    next_token: int | None = None


@dataclass(eq=False)
class _Slot:
    # The tokens whose cells the slot's sequence holds, and whose conversation they are.
    held: list[int] = field(default_factory=list)
    owner: Hashable | None = None
    job: GenerationJob | None = None
    last_used: int = 0


class BatchedGenerator:
    """`slots` sequences of up to `tokens_each` tokens over one Llama's weights, stepped by one thread."""

    def __init__(self, llama: Llama, slots: int, tokens_each: int, kv_cache_bytes: int, prompt_slice: int) -> None:
        self._prompt_slice = prompt_slice
        self._context = SequenceContext(llama, slots, tokens_each, prompt_slice + slots)
        self._slots = [_Slot() for _ in range(slots)]
        self.states = KvStateCache(kv_cache_bytes)
        self._waiting: deque[GenerationJob] = deque()
        self._condition = threading.Condition()
        self._closed = False
        self._uses = 0
        self._thread = threading.Thread(target=self._run, name="batched-generation", daemon=True)
        self._thread.start()

    @property
    def slots(self) -> int:
        return len(self._slots)

    def generate(self, job: GenerationJob) -> None:
        """Run the call with the others; returns when its stream has finished (or raises its error)."""
        with self._condition:
            if self._closed:
                raise GeneratorClosed("the model was dropped")
            self._waiting.append(job)
            self._condition.notify()
        job.done.wait()
        if job.error is not None:
            raise job.error

    def close(self) -> None:
        """Fail what waits, stop the loop and give the context back."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join()
        self._context.close()
        self.states.clear()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._closed and not self._waiting and not self._running():
                    self._condition.wait()
                if self._closed:
                    self._fail_all(GeneratorClosed("the model was dropped"))
                    return
                free = sum(slot.job is None for slot in self._slots)
                admitted = [self._waiting.popleft() for _ in range(min(free, len(self._waiting)))]
            try:
                for job in admitted:
                    self._place(job)
                self._step()
            except Exception as error:  # the loop outlives one bad step: every caller gets the error, not a hang
                logger.exception("a batched generation step failed")
                for index, slot in enumerate(self._slots):
                    if slot.job is not None:
                        self._forget(index)
                        self._finish(index, error)

    def _running(self) -> bool:
        return any(slot.job is not None for slot in self._slots)

    def _place(self, job: GenerationJob) -> None:
        """Give the call the free slot holding most of its prompt (its conversation's last turn, if still
        there), or put back the saved state sharing more."""
        prompt = np.asarray(job.prompt, dtype=np.intc)
        free = [index for index, slot in enumerate(self._slots) if slot.job is None]
        shared = {index: common_prefix(np.asarray(self._slots[index].held, dtype=np.intc), prompt) for index in free}
        index = max(free, key=lambda each: (shared[each], -self._slots[each].last_used))
        slot, prefix = self._slots[index], shared[index]
        if slot.owner != job.cache_key:
            self._save(index)
        state = self.states.best(prompt, prefix) if self.states.enabled else None
        if state is not None:
            if self._context.load_state(index, state_buffer(state)):
                slot.held, prefix = state.tokens.tolist(), common_prefix(state.tokens, prompt)
            else:
                logger.warning("llama.cpp refused a saved KV state; the prompt will be computed afresh")
                slot.held, prefix = [], 0
        # The last prompt token is computed again when the cells hold it all: its scores are the first draw's.
        reused = min(prefix, len(job.prompt) - 1)
        self._context.forget(index, reused)
        del slot.held[reused:]
        self._uses += 1
        slot.owner, slot.job, slot.last_used = job.cache_key, job, self._uses
        job.position, job.evaluated = reused, len(job.prompt) - reused

    def _save(self, index: int) -> None:
        """Keep the slot's cells as its conversation's saved state: another conversation takes the slot."""
        slot = self._slots[index]
        if slot.owner is None or not slot.held or not self.states.enabled:
            return
        self.states.keep(
            slot.owner,
            np.asarray(slot.held, dtype=np.intc),
            self._context.state_size(index),
            lambda view: self._context.copy_state(index, view),
        )

    def _step(self) -> None:
        """One decode: the next token of each generating call, and prompt slices up to the slice's size."""
        tokens: list[int] = []
        positions: list[int] = []
        sequences: list[int] = []
        wanted: list[bool] = []
        sampled: list[tuple[int, int]] = []  # (batch index, slot) whose scores pick a token
        budget = self._prompt_slice
        now = time.monotonic()
        for index, slot in enumerate(self._slots):
            job = slot.job
            if job is None:
                continue
            if job.deadline is not None and now > job.deadline:
                job.stream.stop_at_deadline()
                self._finish(index)
                continue
            if job.next_token is not None:
                new = [job.next_token]
                job.next_token = None
            else:
                new = job.prompt[job.position : job.position + budget]
                budget -= len(new)
                job.position += len(new)
            if not new:
                continue
            start = len(slot.held)
            tokens += new
            positions += range(start, start + len(new))
            sequences += [index] * len(new)
            ends_prompt = job.position == len(job.prompt)
            wanted += [False] * (len(new) - 1) + [ends_prompt]
            if ends_prompt:
                sampled.append((len(tokens) - 1, index))
            slot.held += new
        if not tokens:
            return
        try:
            self._context.decode(tokens, positions, sequences, wanted)
        except DecodeFailed as error:
            for index in set(sequences):
                self._forget(index)
                self._finish(index, error)
            return
        for position, index in sampled:
            job = self._slots[index].job
            assert job is not None
            token = job.stream.take(self._context.logits(position))
            if token is None:
                self._finish(index)
            else:
                job.next_token = token

    def _forget(self, index: int) -> None:
        slot = self._slots[index]
        self._context.forget(index, 0)
        slot.held, slot.owner = [], None

    def _finish(self, index: int, error: BaseException | None = None) -> None:
        slot = self._slots[index]
        job = slot.job
        if job is None:
            return
        slot.job = None
        if error is not None:
            job.stream.close()
            job.error = error
        job.done.set()

    def _fail_all(self, error: BaseException) -> None:
        for index in range(len(self._slots)):
            self._finish(index, error)
        while self._waiting:
            job = self._waiting.popleft()
            job.stream.close()
            job.error = error
            job.done.set()
