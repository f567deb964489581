"""One generation's tokens, chosen one at a time from the scores the model computes: what ends it (the model's
end, a stop string, the caller's `ends`, max_tokens, the deadline) and the text so far.

Shared by the one-sequence loop (llama_runtime.py) and the batched one (batched_generation.py), so that a
reply is chosen alike whichever computed its scores.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from llama_cpp import Llama, LlamaGrammar

from .llama_internals import is_end_of_generation
from .sampling import SamplingSettings, TokenSampler


@dataclass(frozen=True)
class Generation:
    tokens: list[int]
    text: bytes
    timed_out: bool
    first_token_at: float | None


def cut_at_stop(text: bytes, stops: list[bytes]) -> tuple[bytes, bool]:
    """The text before the first stop string in it, and whether there was one."""
    found = [index for index in (text.find(stop) for stop in stops) if index >= 0]
    return (text[: min(found)], True) if found else (text, False)


class TokenStream:
    """Fed the scores after each computed token, picks the next one until the generation is over."""

    def __init__(
        self,
        llama: Llama,
        *,
        max_tokens: int,
        sampling: SamplingSettings,
        stops: list[bytes],
        grammar: LlamaGrammar | None,
        deadline: float | None,
        ends: Callable[[bytes], bool] | None,
    ) -> None:
        self._llama = llama
        self._max_tokens = max_tokens
        self._stops = stops
        self._deadline = deadline
        self._ends = ends
        self._sampler = TokenSampler(llama, sampling, grammar)
        self._tokens: list[int] = []
        self._text = b""
        self._first_token_at: float | None = None
        self.finished: Generation | None = None
        if max_tokens <= 0:
            self._finish(timed_out=False)

    def take(self, logits: np.ndarray) -> int | None:
        """Pick the token these scores call for; the token to compute next, or None when the generation is
        over (then `finished` holds it)."""
        token = self._sampler.sample(logits)
        if self._first_token_at is None:
            self._first_token_at = time.perf_counter()
        if is_end_of_generation(self._llama, token):
            self._finish(timed_out=False)
            return None
        self._tokens.append(token)
        piece = self._llama.detokenize([token])
        self._text += piece
        ended = cut_at_stop(self._text, self._stops)[1] or (self._ends is not None and self._ends(piece))
        late = self._deadline is not None and time.monotonic() > self._deadline
        if ended or late or len(self._tokens) >= self._max_tokens:
            self._finish(timed_out=late and not ended)
            return None
        return token

    def stop_at_deadline(self) -> None:
        """End it now, cut short by the deadline."""
        self._finish(timed_out=True)

    def _finish(self, timed_out: bool) -> None:
        self.finished = Generation(self._tokens, self._text, timed_out, self._first_token_at)
        self.close()

    def close(self) -> None:
        self._sampler.close()
