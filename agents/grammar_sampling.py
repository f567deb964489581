"""Grammar-constrained sampling that checks the grammar against the chosen token first.

llama-cpp-python puts the grammar in its sampler chain, so every generated token runs the grammar
over all 49,152 candidates of the vocabulary: measured here, that doubled the time per token of a
JSON step (40-43 ms against 20-27 ms). llama.cpp's own tools (common/sampling.cpp) sample without
the grammar, check only the chosen token against it, and apply it to the whole vocabulary only when
that token is rejected, which for a model following its JSON format is rare. This does the same.
At temperature 0 it picks the token the grammar-first chain would (the grammar only removes
candidates); when sampling, an allowed token is drawn before the disallowed ones are removed, as
llama.cpp's own tools draw it.

A rejected token (about 4 a reply, at the JSON's punctuation) first tries the best-scored
SHORTLIST candidates: the chain after the grammar looks only at the best allowed ones (1 when
greedy, top_k when sampling), and when the shortlist holds that many, they are the best allowed of
the whole vocabulary, so the pick is the same at a sixth of the grammar's work.
"""
from __future__ import annotations

import ctypes
import math
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama, LlamaGrammar
from llama_cpp._internals import LlamaContext, LlamaModel, LlamaSampler

# llama_token_data as numpy sees it, so a whole vocabulary's candidates are filled in one copy.
TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)
assert TOKEN_DATA.itemsize == ctypes.sizeof(llama_cpp.llama_token_data)

SHORTLIST = 256


class Candidates:
    """A llama_token_data_array over numpy storage of a fixed capacity."""

    def __init__(self, capacity: int) -> None:
        self.data = np.zeros(capacity, dtype=TOKEN_DATA)
        self._pointer = self.data.ctypes.data_as(llama_cpp.llama_token_data_p)
        self.array = llama_cpp.llama_token_data_array()

    def reset(self, size: int) -> ctypes._Pointer:
        self.array.data, self.array.size, self.array.selected, self.array.sorted = self._pointer, size, -1, False
        return ctypes.pointer(self.array)

    def selected_token(self) -> int:
        # Read through the array's pointer: a sampler may point it at storage of its own.
        return int(self.array.data[self.array.selected].id)


class LazyGrammarSampler:
    """Stands where llama-cpp-python keeps its sampler: `sample(ctx, idx)` picks and accepts a token.

    `exact_within` is how many allowed candidates the chain's choice depends on (None: all of them).
    """

    def __init__(self, chain: LlamaSampler, model: LlamaModel, grammar: LlamaGrammar, n_vocab: int, exact_within: int | None) -> None:
        self.chain = chain
        self.grammar = llama_cpp.llama_sampler_init_grammar(
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self.grammar:
            raise ValueError("llama.cpp rejected the grammar")
        # Repetition penalties change the scores the shortlist is made from: they run on their own, first.
        self.penalties = _take_out(chain, b"penalties")
        self.n_vocab = n_vocab
        self.exact_within = exact_within if exact_within is not None and 0 < exact_within <= SHORTLIST else None
        self._token_ids = np.arange(n_vocab, dtype=np.int32)
        self._all = Candidates(n_vocab)
        self._shortlist = Candidates(SHORTLIST)
        self._one = Candidates(1)

    def sample(self, ctx: LlamaContext, idx: int = -1) -> int:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        every = self._penalised(logits)
        llama_cpp.llama_sampler_apply(self.chain.sampler, every)
        token = self._all.selected_token()
        if not self._allowed(token):
            token = self._constrained(logits)
        llama_cpp.llama_sampler_accept(self.grammar, token)
        if self.penalties:
            llama_cpp.llama_sampler_accept(self.penalties, token)
        self.chain.accept(token)
        return token

    def _penalised(self, logits: np.ndarray) -> ctypes._Pointer:
        candidates = self._all.data
        candidates["id"] = self._token_ids
        candidates["logit"] = logits
        candidates["p"] = 0.0
        every = self._all.reset(self.n_vocab)
        if self.penalties:
            llama_cpp.llama_sampler_apply(self.penalties, every)
        return every

    def _constrained(self, logits: np.ndarray) -> int:
        every = self._penalised(logits)
        if self.exact_within is not None:
            best = np.argpartition(self._all.data["logit"], -SHORTLIST)[-SHORTLIST:]
            self._shortlist.data[:] = self._all.data[best]
            shortlist = self._shortlist.reset(SHORTLIST)
            llama_cpp.llama_sampler_apply(self.grammar, shortlist)
            if np.count_nonzero(np.isfinite(self._shortlist.data["logit"])) >= self.exact_within:
                llama_cpp.llama_sampler_apply(self.chain.sampler, shortlist)
                return self._shortlist.selected_token()
        llama_cpp.llama_sampler_apply(self.grammar, every)
        llama_cpp.llama_sampler_apply(self.chain.sampler, every)
        return self._all.selected_token()

    def _allowed(self, token: int) -> bool:
        self._one.data[0] = (token, 0.0, 0.0)
        llama_cpp.llama_sampler_apply(self.grammar, self._one.reset(1))
        return not math.isinf(float(self._one.data["logit"][0]))

    def close(self) -> None:
        if self.grammar:
            llama_cpp.llama_sampler_free(self.grammar)
            self.grammar = None
        if self.penalties:
            llama_cpp.llama_sampler_free(self.penalties)
            self.penalties = None
        self.chain.close()

    def __del__(self) -> None:
        self.close()


def _take_out(chain: LlamaSampler, name: bytes) -> Any:
    """The chain's sampler of that name, removed from the chain (and so no longer freed with it)."""
    for index in range(llama_cpp.llama_sampler_chain_n(chain.sampler)):
        if llama_cpp.llama_sampler_name(llama_cpp.llama_sampler_chain_get(chain.sampler, index)) == name:
            return llama_cpp.llama_sampler_chain_remove(chain.sampler, index)
    return None


class LazyGrammarLlama(Llama):
    """A Llama whose grammar-constrained generations use LazyGrammarSampler.

    Hooks the sampler factory of llama-cpp-python 0.3.36 (pinned in requirements.txt), which
    generate() and sample() call with keyword arguments; everything else is the library's own.
    """

    def _init_sampler(self, *, grammar: LlamaGrammar | None = None, **kwargs: Any) -> Any:
        chain = super()._init_sampler(grammar=None, **kwargs)
        if grammar is None:
            return chain
        # What the chain after the grammar looks at: the best candidate (greedy) or the best top_k
        # (top-k sampling); mirostat and plain sampling look at all of them.
        temperature = kwargs.get("temp", 0.8)
        if temperature == 0.0:
            exact_within: int | None = 1
        elif temperature > 0.0 and not kwargs.get("mirostat_mode"):
            exact_within = kwargs.get("top_k", 40)
        else:
            exact_within = None
        return LazyGrammarSampler(chain, self._model, grammar, self._n_vocab, exact_within)
