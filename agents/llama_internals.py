"""Every use Parley makes of llama-cpp-python beneath the public methods of its `Llama` and `LlamaGrammar`.

Parley's own token loop (llama_runtime.py), sampler (sampling.py) and saved KV states (kv_cache.py) need
what those classes do not offer: private attributes of the pinned llama-cpp-python 0.3.36, and llama.cpp's
C functions and structures, public bindings whose names and signatures follow llama.cpp's C API from
release to release (llama_kv_self_clear became llama_memory_clear). No other module reaches below the
public classes: agents/tests/test_llama_internals.py checks that, and checks every symbol used here
against the installed library, so an upgrade means reading this file against that test.
"""

from __future__ import annotations

import ctypes
from typing import TypeAlias

import llama_cpp
import numpy as np
from llama_cpp import Llama, LlamaGrammar

Sampler: TypeAlias = "ctypes._Pointer[llama_cpp.llama_sampler]"
StateBuffer: TypeAlias = "ctypes.Array[ctypes.c_uint8]"

# The one token sequence a Llama's context holds.
SEQUENCE = 0

# llama_token_data as numpy sees it, so that many candidates are filled in one copy.
TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)


def last_logits(llama: Llama) -> np.ndarray:
    """The scores of the context's last computed token, in place: Llama.eval keeps none unless logits_all."""
    logits = llama_cpp.llama_get_logits_ith(llama.ctx, -1)
    return np.ctypeslib.as_array(logits, shape=(llama.n_vocab(),))


def is_end_of_generation(llama: Llama, token: int) -> bool:
    """Whether `token` ends a generation (end of text, of turn...): Llama names only one, token_eos()."""
    return bool(llama_cpp.llama_vocab_is_eog(_vocabulary(llama), token))


def _vocabulary(llama: Llama) -> llama_cpp.llama_vocab_p:
    return llama_cpp.llama_model_get_vocab(llama.model)


def grammar_text(grammar: LlamaGrammar) -> str:
    """The grammar's GBNF text: LlamaGrammar keeps it in a private attribute and has no getter."""
    return grammar._grammar


def grammar_sampler(llama: Llama, grammar: LlamaGrammar) -> Sampler:
    """llama.cpp's grammar sampler on its own, to check chosen tokens against: Llama builds one only inside its
    sampler chain, which runs the grammar over the whole vocabulary; the root rule's name is private too."""
    sampler = llama_cpp.llama_sampler_init_grammar(
        _vocabulary(llama), grammar_text(grammar).encode("utf-8"), grammar._root.encode("utf-8")
    )
    if not sampler:
        raise ValueError("llama.cpp rejected the grammar")
    return sampler


def filter_chain(top_k: int, top_p: float, min_p: float, temperature: float) -> Sampler:
    """llama.cpp's top-k, typical (off), top-p, min-p and temperature samplers chained as Llama's create_completion
    chains them, without its draw: llama-cpp-python's chain builder (_internals.LlamaSampler) is private."""
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    for sampler in (
        llama_cpp.llama_sampler_init_top_k(top_k),
        llama_cpp.llama_sampler_init_typical(1.0, 1),
        llama_cpp.llama_sampler_init_top_p(top_p, 1),
        llama_cpp.llama_sampler_init_min_p(min_p, 1),
        llama_cpp.llama_sampler_init_temp(temperature),
    ):
        llama_cpp.llama_sampler_chain_add(chain, sampler)
    return chain


def accept_token(sampler: Sampler, token: int) -> None:
    """Move a sampler (a grammar's position, a chain's state) past the chosen token: C API only."""
    llama_cpp.llama_sampler_accept(sampler, token)


def free_sampler(sampler: Sampler) -> None:
    """Give a sampler (a chain with its members) back to llama.cpp: C API only."""
    llama_cpp.llama_sampler_free(sampler)


class Candidates:
    """A llama_token_data_array over numpy storage of a fixed capacity, for llama.cpp's samplers to filter."""

    def __init__(self, capacity: int) -> None:
        self.data = np.zeros(capacity, dtype=TOKEN_DATA)
        self._pointer = self.data.ctypes.data_as(llama_cpp.llama_token_data_p)
        self._array = llama_cpp.llama_token_data_array()

    def filter(self, sampler: Sampler, ids: np.ndarray, scores: np.ndarray) -> None:
        """Hold `ids` with their scores, unsorted, and let `sampler` work on them: a grammar sets the score of a
        token it rejects to -inf, a chain keeps the ones it would draw from."""
        size = len(ids)
        self.data["id"][:size] = ids
        self.data["logit"][:size] = scores[ids]
        self.data["p"][:size] = 0.0
        # The library annotates `data` as an array; its C field is the pointer given here.
        self._array.data = self._pointer  # type: ignore[assignment]
        self._array.size, self._array.selected, self._array.sorted = size, -1, False
        llama_cpp.llama_sampler_apply(sampler, ctypes.pointer(self._array))

    def kept(self) -> np.ndarray:
        """The candidates the last sampler kept, read through the array's pointer: it may point it at storage
        of its own."""
        return np.ctypeslib.as_array(self._array.data, shape=(self._array.size,))

    def finite_ids(self) -> np.ndarray:
        """The held tokens whose score the last sampler left finite."""
        data = self.data[: self._array.size]
        return data["id"][np.isfinite(data["logit"])]


def sequence_state_size(llama: Llama) -> int:
    """Bytes of the context's sequence state, its KV cells alone: Llama.save_state copies the whole context's
    state and its scores array besides."""
    return llama_cpp.llama_state_seq_get_size(llama.ctx, SEQUENCE)


def copy_sequence_state(llama: Llama, buffer: StateBuffer) -> int:
    """Write the context's sequence state into `buffer`, straight (Llama.save_state returns a copy of its own);
    the bytes written."""
    return llama_cpp.llama_state_seq_get_data(llama.ctx, buffer, len(buffer), SEQUENCE)


def replace_sequence_state(llama: Llama, buffer: StateBuffer) -> bool:
    """Empty the context and load a sequence state copied out before (Llama.load_state needs the whole state);
    False when llama.cpp refuses it, leaving the context empty."""
    llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(llama.ctx), True)
    return llama_cpp.llama_state_seq_set_data(llama.ctx, buffer, len(buffer), SEQUENCE) != 0


def mark_logits_stale(llama: Llama) -> None:
    """Tell llama-cpp-python that the context's logits are not its last token's (a state was loaded beneath it),
    so that its own generate() computes that token again: the flag it keeps for that is private."""
    llama._requires_eval = True


class DecodeFailed(RuntimeError):
    pass


class SequenceContext:
    """A llama.cpp context of its own over a Llama's loaded weights, holding up to `sequences` token sequences
    of `tokens_each` tokens, each in cells of its own (llama.cpp's non-unified KV cache: a token attends only to
    its sequence's cells), and the batch it is fed: a Llama makes one context of one sequence, and its batch
    carries one sequence's tokens."""

    def __init__(self, llama: Llama, sequences: int, tokens_each: int, batch_tokens: int) -> None:
        params = llama_cpp.llama_context_params.from_buffer_copy(llama.context_params)
        params.n_ctx = sequences * tokens_each
        params.n_seq_max = sequences
        params.n_batch = params.n_ubatch = batch_tokens
        params.kv_unified = False
        context = llama_cpp.llama_init_from_model(llama.model, params)
        if not context:
            raise RuntimeError(f"llama.cpp could not make a context of {sequences} sequences of {tokens_each} tokens")
        self.context = context
        self.capacity = batch_tokens
        self._vocabulary_size = llama.n_vocab()
        self._memory = llama_cpp.llama_get_memory(context)
        self._batch = llama_cpp.llama_batch_init(batch_tokens, 0, 1)

    def decode(self, tokens: list[int], positions: list[int], sequences: list[int], wanted: list[bool]) -> None:
        """Compute each token at its position in its sequence, in one llama_decode; logits kept where `wanted`."""
        batch = self._batch
        for index, (token, position, sequence, keep) in enumerate(
            zip(tokens, positions, sequences, wanted, strict=True)
        ):
            batch.token[index] = token
            batch.pos[index] = position
            batch.n_seq_id[index] = 1
            batch.seq_id[index][0] = sequence
            batch.logits[index] = keep
        batch.n_tokens = len(tokens)
        status = llama_cpp.llama_decode(self.context, batch)
        if status != 0:
            # 1: no room left in the KV cache for the batch; negative: an error. The cache is as it was.
            raise DecodeFailed(f"llama_decode returned {status}")

    def logits(self, index: int) -> np.ndarray:
        """The scores after the batch's `index`th token, in place (valid until the next decode)."""
        logits = llama_cpp.llama_get_logits_ith(self.context, index)
        return np.ctypeslib.as_array(logits, shape=(self._vocabulary_size,))

    def forget(self, sequence: int, position: int) -> None:
        """Drop the sequence's cells from `position` on."""
        llama_cpp.llama_memory_seq_rm(self._memory, sequence, position, -1)

    def state_size(self, sequence: int) -> int:
        return llama_cpp.llama_state_seq_get_size(self.context, sequence)

    def copy_state(self, sequence: int, buffer: StateBuffer) -> int:
        return llama_cpp.llama_state_seq_get_data(self.context, buffer, len(buffer), sequence)

    def load_state(self, sequence: int, buffer: StateBuffer) -> bool:
        """Replace the sequence's cells with a state copied out before (of any sequence); False when refused."""
        llama_cpp.llama_memory_seq_rm(self._memory, sequence, -1, -1)
        return llama_cpp.llama_state_seq_set_data(self.context, buffer, len(buffer), sequence) != 0

    def close(self) -> None:
        if self.context:
            llama_cpp.llama_batch_free(self._batch)
            llama_cpp.llama_free(self.context)
            self.context = None
