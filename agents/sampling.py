"""Choosing each generated token: repetition penalty, then greedy or llama.cpp's sampler chain, then
the step's grammar, checked against the chosen token first.

llama-cpp-python's sampler chain costs more than the choice needs: its penalties sampler looks each
of the 49,152 vocabulary entries up in a hash map on every token, and its grammar sampler runs the
grammar over all of them. Here the penalty touches only the recent tokens (numpy), greedy is an
argmax, and, as llama.cpp's own tools do (common/sampling.cpp), the grammar checks the chosen token
and looks further only when it rejects it: a JSON step then costs about what the library's plain
completion without a grammar does (bench/results.md, "Measured while writing the code").

The choice is the library's: the same penalty in float32, the same first-best greedy pick, the same
top-k, typical, top-p, min-p and temperature when sampling (llama.cpp's own samplers). A token the
grammar rejects is replaced by the chain's pick among the allowed tokens, looked for first among
the candidates scoring near the best: when those hold as many allowed tokens as the chain looks at
(1 when greedy, top_k when sampling), they are the best allowed of the whole vocabulary, and the
pick is the one the grammar-first chain would make at a fraction of the work.

The draw that ends the chain is ours, not llama.cpp's dist sampler, whose generator moves on with
every pick: a position whose first pick the grammar rejected would take two numbers, and a seeded
step would then depend on which picks needed replacing, which depends on what the process had
learnt of the grammar before. Each position takes one number, from the seed and the position alone.
"""

from __future__ import annotations

import math
import weakref
from collections import deque
from dataclasses import dataclass
from typing import cast

import numpy as np
from llama_cpp import Llama, LlamaGrammar

from .llama_internals import Candidates, Sampler, accept_token, filter_chain, free_sampler, grammar_sampler

# How far below the best score (in logits) a rejected token's replacement is looked for before the
# whole vocabulary is: a few candidates near the best are checked in a fraction of the vocabulary's time.
NEAR_MARGINS = (5.0, 10.0)

# The tokens a grammar allows after each of the first few tokens of a step, found once per compiled
# grammar: every JSON step opens the same way ('{"'), where no candidate near the best is allowed,
# and the whole vocabulary was otherwise checked for the same few tokens at every step.
OPENING_TOKENS = 4
OPENINGS_KEPT = 64
_allowed_after: weakref.WeakKeyDictionary[LlamaGrammar, dict[tuple[int, ...], np.ndarray]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class SamplingSettings:
    temperature: float
    # The draw's seed when sampling: the same seed and prompt give the same text. None: a random one.
    seed: int | None = None
    top_k: int = 40
    top_p: float = 0.9
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    # llama-cpp-python's window of recent tokens the penalty applies to.
    penalty_last_n: int = 64

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0.0


def drawn_token(candidates: np.ndarray, uniform: float) -> int:
    """The candidate a number in [0, 1) falls on, each taking its share of the probability, as llama.cpp's
    dist sampler draws."""
    logits = candidates["logit"].astype(np.float64)
    weights = np.exp(logits - logits.max())
    index = int(np.searchsorted(np.cumsum(weights), uniform * weights.sum(), side="right"))
    return int(candidates["id"][min(index, len(candidates) - 1)])


class TokenSampler:
    """Picks the next token from the context's last logits and remembers it (penalty, grammar)."""

    def __init__(self, llama: Llama, settings: SamplingSettings, grammar: LlamaGrammar | None) -> None:
        n_vocab = llama.n_vocab()
        self._penalty = np.float32(settings.repeat_penalty)
        self._recent: deque[int] = deque(maxlen=settings.penalty_last_n)
        self._scores = np.empty(n_vocab, dtype=np.float32)
        self._vocabulary = np.arange(n_vocab, dtype=np.int32)
        self._candidates = Candidates(n_vocab)
        self._one = Candidates(1)
        self._token = np.zeros(1, dtype=np.int32)
        self._chain = None
        if not settings.greedy:
            self._chain = filter_chain(settings.top_k, settings.top_p, settings.min_p, settings.temperature)
        # Drawn afresh, the entropy is one int (128 bits from the system).
        self._seed = cast(int, np.random.SeedSequence().entropy) if settings.seed is None else settings.seed
        self._position = 0
        # How many allowed candidates the chain's pick depends on: the best one, or the best top_k.
        self._needed = 1 if settings.greedy else settings.top_k if settings.top_k > 0 else n_vocab
        self._opening_allowed = {} if grammar is None else _allowed_after.setdefault(grammar, {})
        self._opening: tuple[int, ...] | None = ()
        self._grammar: Sampler | None = None  # before llama.cpp may reject the grammar: close() reads it
        if grammar is not None:
            self._grammar = grammar_sampler(llama, grammar)

    def sample(self, logits: np.ndarray) -> int:
        scores = self._penalised(logits)
        grammar = self._grammar
        if grammar is None:
            token = self._pick(scores, self._vocabulary)
        elif self._opening is not None and self._opening in self._opening_allowed:
            token = self._pick(scores, self._opening_allowed[self._opening])
        else:
            token = self._pick(scores, self._vocabulary)
            if not self._allows(grammar, token):
                token = self._pick_allowed(grammar, scores)
        self._accept(token)
        return token

    def _penalised(self, logits: np.ndarray) -> np.ndarray:
        scores = self._scores
        np.copyto(scores, logits)
        if self._recent and self._penalty != 1.0:
            ids = np.unique(np.fromiter(self._recent, dtype=np.int32, count=len(self._recent)))
            recent = scores[ids]
            # llama.cpp's rule: dividing a negative score would make the token likelier.
            scores[ids] = np.where(recent <= 0, recent * self._penalty, recent / self._penalty)
        return scores

    def _pick(self, scores: np.ndarray, ids: np.ndarray) -> int:
        if self._chain is None:
            # The first of equal bests, as llama.cpp's greedy sampler takes.
            return int(ids[np.argmax(scores[ids])]) if len(ids) < len(scores) else int(np.argmax(scores))
        self._candidates.filter(self._chain, ids, scores)
        return drawn_token(self._candidates.kept(), np.random.default_rng((self._seed, self._position)).random())

    def _pick_allowed(self, grammar: Sampler, scores: np.ndarray) -> int:
        best = scores.max()
        for margin in NEAR_MARGINS:
            allowed = self._allowed_among(grammar, np.flatnonzero(scores >= best - margin).astype(np.int32))
            if len(allowed) >= self._needed:
                return self._pick(scores, allowed)
        allowed = self._allowed_among(grammar, self._vocabulary)
        if self._opening is not None and len(self._opening_allowed) < OPENINGS_KEPT:
            self._opening_allowed[self._opening] = allowed
        if not len(allowed):
            raise ValueError("the grammar allows no token here")
        return self._pick(scores, allowed)

    def _allowed_among(self, grammar: Sampler, ids: np.ndarray) -> np.ndarray:
        self._candidates.filter(grammar, ids, self._scores)
        return self._candidates.finite_ids()

    def _allows(self, grammar: Sampler, token: int) -> bool:
        self._token[0] = token
        self._one.filter(grammar, self._token, self._scores)
        return not math.isinf(float(self._one.data["logit"][0]))

    def _accept(self, token: int) -> None:
        self._position += 1
        if self._opening is not None:
            # The step's tokens so far, while it is opening; None after.
            self._opening = (*self._opening, token) if len(self._opening) < OPENING_TOKENS else None
        self._recent.append(token)
        if self._grammar is not None:
            accept_token(self._grammar, token)
        if self._chain is not None:
            accept_token(self._chain, token)

    def close(self) -> None:
        if self._grammar is not None:
            free_sampler(self._grammar)
            self._grammar = None
        if self._chain is not None:
            free_sampler(self._chain)
            self._chain = None

    def __del__(self) -> None:
        self.close()
