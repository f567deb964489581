"""Every symbol of llama-cpp-python that agents/llama_internals.py reaches below the public `Llama` and
`LlamaGrammar` methods is still there, with the shape and meaning the adapter was written for, and no other
module reaches below them: after an upgrade, read the adapter against this test."""

from __future__ import annotations

import ast
import ctypes
import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import llama_cpp
import numpy as np
import pytest
from llama_cpp import Llama, LlamaGrammar

from agents import llama_internals
from agents.llama_internals import (
    TOKEN_DATA,
    Candidates,
    accept_token,
    copy_sequence_state,
    filter_chain,
    free_sampler,
    grammar_sampler,
    grammar_text,
    is_end_of_generation,
    last_logits,
    replace_sequence_state,
    sequence_state_size,
)
from agents.llama_runtime import LoadedModel, ModelSettings
from agents.model_files import bundled_model_path

ROOT = Path(__file__).resolve().parents[2]
ADAPTER = Path(llama_internals.__file__).resolve()
LIBRARY = Path(llama_cpp.__file__).resolve().parent

HANDLE = ctypes.c_void_p  # llama.cpp's context, model, vocabulary and memory, as the bindings pass them
SAMPLER = ctypes.POINTER(llama_cpp.llama_sampler)
BYTES = ctypes.POINTER(ctypes.c_uint8)
# Each C function the adapter calls: its argument types and result type in the installed bindings.
FUNCTIONS = {
    "llama_get_logits_ith": ([HANDLE, ctypes.c_int32], ctypes.POINTER(ctypes.c_float)),
    "llama_model_get_vocab": ([HANDLE], HANDLE),
    "llama_vocab_is_eog": ([HANDLE, ctypes.c_int32], ctypes.c_bool),
    "llama_sampler_init_grammar": ([HANDLE, ctypes.c_char_p, ctypes.c_char_p], SAMPLER),
    "llama_sampler_chain_default_params": ([], llama_cpp.llama_sampler_chain_params),
    "llama_sampler_chain_init": ([llama_cpp.llama_sampler_chain_params], SAMPLER),
    "llama_sampler_chain_add": ([SAMPLER, SAMPLER], None),
    "llama_sampler_init_top_k": ([ctypes.c_int32], SAMPLER),
    "llama_sampler_init_typical": ([ctypes.c_float, ctypes.c_size_t], SAMPLER),
    "llama_sampler_init_top_p": ([ctypes.c_float, ctypes.c_size_t], SAMPLER),
    "llama_sampler_init_min_p": ([ctypes.c_float, ctypes.c_size_t], SAMPLER),
    "llama_sampler_init_temp": ([ctypes.c_float], SAMPLER),
    "llama_sampler_apply": ([SAMPLER, ctypes.POINTER(llama_cpp.llama_token_data_array)], None),
    "llama_sampler_accept": ([SAMPLER, ctypes.c_int32], None),
    "llama_sampler_free": ([SAMPLER], None),
    "llama_state_seq_get_size": ([HANDLE, ctypes.c_int32], ctypes.c_size_t),
    "llama_state_seq_get_data": ([HANDLE, BYTES, ctypes.c_size_t, ctypes.c_int32], ctypes.c_size_t),
    "llama_state_seq_set_data": ([HANDLE, BYTES, ctypes.c_size_t, ctypes.c_int32], ctypes.c_size_t),
    "llama_get_memory": ([HANDLE], HANDLE),
    "llama_memory_clear": ([HANDLE, ctypes.c_bool], None),
    "llama_memory_seq_rm": ([HANDLE, ctypes.c_int32, ctypes.c_int32, ctypes.c_int32], ctypes.c_bool),
    "llama_init_from_model": ([HANDLE, llama_cpp.llama_context_params], HANDLE),
    "llama_free": ([HANDLE], None),
    "llama_batch_init": ([ctypes.c_int32, ctypes.c_int32, ctypes.c_int32], llama_cpp.llama_batch),
    "llama_batch_free": ([llama_cpp.llama_batch], None),
    "llama_decode": ([HANDLE, llama_cpp.llama_batch], ctypes.c_int32),
}
# The C structures and types it names, with their fields.
TOKEN_DATA_FIELDS = [("id", ctypes.c_int32), ("logit", ctypes.c_float), ("p", ctypes.c_float)]
TOKEN_DATA_ARRAY_FIELDS = [
    ("data", ctypes.POINTER(llama_cpp.llama_token_data)), ("size", ctypes.c_size_t),
    ("selected", ctypes.c_int64), ("sorted", ctypes.c_bool),
]  # fmt: skip
TYPES = {"llama_token_data_p", "llama_token_data_array", "llama_vocab_p", "llama_context_params"}
BATCH_FIELDS = [
    ("n_tokens", ctypes.c_int32), ("token", ctypes.POINTER(ctypes.c_int32)), ("embd", ctypes.POINTER(ctypes.c_float)),
    ("pos", ctypes.POINTER(ctypes.c_int32)), ("n_seq_id", ctypes.POINTER(ctypes.c_int32)),
    ("seq_id", ctypes.POINTER(ctypes.POINTER(ctypes.c_int32))), ("logits", ctypes.POINTER(ctypes.c_int8)),
]  # fmt: skip
# The context parameters a sequence context sets; the rest it copies from the Llama's.
CONTEXT_FIELDS = {"n_ctx", "n_seq_max", "n_batch", "n_ubatch", "kv_unified"}
# The private attributes it reads or writes, each checked below.
PRIVATE_ATTRIBUTES = {"_grammar", "_root", "_requires_eval"}


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def names_used(tree: ast.AST) -> tuple[set[str], set[str]]:
    """The `llama_cpp.<name>`s a module uses, and the private attributes it reaches on other objects than itself."""
    bindings, private = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "llama_cpp":
                bindings.add(node.attr)
            elif is_private(node.attr) and node.value.id not in ("self", "cls"):
                private.add(node.attr)
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            private.add(node.attr)
    return bindings, private


def test_the_adapter_uses_only_the_symbols_this_test_checks():
    bindings, private = names_used(ast.parse(ADAPTER.read_text()))
    assert bindings == set(FUNCTIONS) | TYPES
    assert private == PRIVATE_ATTRIBUTES


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_c_function_the_adapter_calls_has_the_signature_it_was_written_for(name):
    argtypes, restype = FUNCTIONS[name]
    function = getattr(llama_cpp, name)
    assert (list(function.argtypes), function.restype) == (argtypes, restype)


def test_the_c_structures_the_adapter_fills_have_the_layout_it_writes():
    assert llama_cpp.llama_token_data._fields_ == TOKEN_DATA_FIELDS
    assert llama_cpp.llama_token_data_array._fields_ == TOKEN_DATA_ARRAY_FIELDS
    assert llama_cpp.llama_token_data_p is ctypes.POINTER(llama_cpp.llama_token_data)
    assert TOKEN_DATA.itemsize == ctypes.sizeof(llama_cpp.llama_token_data)
    assert [TOKEN_DATA.fields[name][1] for name, _ in TOKEN_DATA_FIELDS] == [
        getattr(llama_cpp.llama_token_data, name).offset for name, _ in TOKEN_DATA_FIELDS
    ]
    assert llama_cpp.llama_vocab_p is not None
    assert llama_cpp.llama_batch._fields_ == BATCH_FIELDS
    assert {name for name, _ in llama_cpp.llama_context_params._fields_} >= CONTEXT_FIELDS


def test_a_grammars_private_text_and_root_are_what_llama_cpp_is_given():
    grammar = LlamaGrammar.from_string('root ::= "Q"', verbose=False)
    assert (grammar_text(grammar), grammar._root) == ('root ::= "Q"', "root")
    # The library hands the same two to llama.cpp in its own chain.
    adding = inspect.getsource(llama_cpp._internals.LlamaSampler.add_grammar)
    assert "grammar._grammar" in adding and "grammar._root" in adding


@pytest.fixture(scope="module")
def llama() -> Llama:
    return LoadedModel(ModelSettings(path=bundled_model_path(), context_size=256)).llama


def test_the_private_stale_logits_flag_is_still_the_one_the_library_keeps_and_reads(llama):
    llama.reset()
    assert llama._requires_eval is True
    llama.eval([llama.token_bos()])
    assert llama._requires_eval is False
    llama_internals.mark_logits_stale(llama)
    assert llama._requires_eval is True
    assert "self._requires_eval" in inspect.getsource(Llama.generate)


def test_logits_and_the_end_of_generation_are_read_from_the_real_context(llama):
    llama.reset()
    tokens = llama.tokenize(b"Hello there", add_bos=True)
    llama.eval(tokens)
    logits = last_logits(llama)
    assert logits.shape == (llama.n_vocab(),) and logits.dtype == np.float32 and np.isfinite(logits).all()
    assert is_end_of_generation(llama, llama.token_eos())
    assert not is_end_of_generation(llama, tokens[-1])


def test_the_grammar_sampler_allows_what_the_grammar_says_and_moves_on_with_the_accepted_token(llama):
    scores = np.zeros(llama.n_vocab(), dtype=np.float32)
    everything = np.arange(llama.n_vocab(), dtype=np.int32)
    candidates = Candidates(llama.n_vocab())
    sampler = grammar_sampler(llama, LlamaGrammar.from_string('root ::= "Q"', verbose=False))
    try:
        candidates.filter(sampler, everything, scores)
        allowed = candidates.finite_ids()
        assert {llama.detokenize([int(token)]) for token in allowed} == {b"Q"}
        accept_token(sampler, int(allowed[0]))
        candidates.filter(sampler, everything, scores)
        ending = candidates.finite_ids()
        assert len(ending) and all(is_end_of_generation(llama, int(token)) for token in ending)
    finally:
        free_sampler(sampler)
    with pytest.raises(ValueError):
        grammar_sampler(llama, LlamaGrammar.from_string("root ::= undefined", verbose=False))


def test_the_filter_chain_keeps_the_top_k_candidates_for_the_draw(llama):
    scores = np.random.default_rng(1).standard_normal(llama.n_vocab()).astype(np.float32)
    candidates = Candidates(llama.n_vocab())
    chain = filter_chain(top_k=3, top_p=1.0, min_p=0.0, temperature=1.0)
    try:
        candidates.filter(chain, np.arange(llama.n_vocab(), dtype=np.int32), scores)
        assert set(candidates.kept()["id"]) == set(np.argsort(scores)[-3:])
        accept_token(chain, int(candidates.kept()["id"][0]))
    finally:
        free_sampler(chain)


def test_a_sequence_state_copied_out_is_taken_back(llama):
    llama.reset()
    llama.eval(llama.tokenize(b"We bake bread and cakes daily.", add_bos=True))
    size = sequence_state_size(llama)
    buffer = (ctypes.c_uint8 * size)()
    written = copy_sequence_state(llama, buffer)
    assert 0 < written <= size
    assert replace_sequence_state(llama, (ctypes.c_uint8 * written).from_buffer(buffer))
    assert sequence_state_size(llama) == size


def library_private_names() -> set[str]:
    """The private attributes and methods llama-cpp-python's high-level classes keep on themselves."""
    names = set()
    for module in ("llama.py", "llama_grammar.py", "_internals.py"):
        for node in ast.walk(ast.parse((LIBRARY / module).read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
                names.add(node.attr)
    return {name for name in names if is_private(name)}


def low_level_module(name: str) -> bool:
    """llama-cpp-python's private modules and the C bindings' module."""
    parts = name.split(".")
    return any(is_private(part) for part in parts) or parts[1:2] == ["llama_cpp"]


def low_level_reaches(tree: ast.AST, private_names: set[str]) -> Iterator[tuple[int, str]]:
    """Where a module imports llama-cpp-python's private modules or C bindings, calls those, or reads a private
    attribute of its objects."""
    bindings = {name for name in vars(llama_cpp.llama_cpp) if name.startswith("llama_")}
    # The names llama_cpp is imported as, which grow as the walk meets `import llama_cpp as ...`.
    module_names = {"llama_cpp"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from imported_low_level(node, module_names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "llama_cpp":
            yield from imported_from_low_level(node, bindings)
        elif isinstance(node, ast.Attribute):
            yield from attribute_low_level(node, module_names, bindings, private_names)


def imported_low_level(node: ast.Import, module_names: set[str]) -> Iterator[tuple[int, str]]:
    for alias in node.names:
        if alias.name == "llama_cpp":
            module_names.add(alias.asname or alias.name)
        elif alias.name.split(".")[0] == "llama_cpp" and low_level_module(alias.name):
            yield node.lineno, alias.name


def imported_from_low_level(node: ast.ImportFrom, bindings: set[str]) -> Iterator[tuple[int, str]]:
    if node.module and low_level_module(node.module):
        yield node.lineno, node.module
    for alias in node.names:
        if is_private(alias.name) or alias.name in bindings:
            yield node.lineno, alias.name


def attribute_low_level(
    node: ast.Attribute, module_names: set[str], bindings: set[str], private_names: set[str]
) -> Iterator[tuple[int, str]]:
    if isinstance(node.value, ast.Name) and node.value.id in module_names:
        if is_private(node.attr) or node.attr in bindings:
            yield node.lineno, f"{node.value.id}.{node.attr}"
    elif node.attr in private_names and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
        yield node.lineno, f".{node.attr}"


SKIPPED = {"var", "__pycache__", "node_modules"}


def project_modules() -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if not name.startswith(".") and name not in SKIPPED]
        yield from (Path(directory, name) for name in files if name.endswith(".py"))


def test_no_module_but_the_adapter_reaches_below_llama_cpp_pythons_public_classes():
    private_names = library_private_names()
    assert PRIVATE_ATTRIBUTES.issubset(private_names)
    reaches = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in project_modules()
        if path.resolve() not in (ADAPTER, Path(__file__).resolve())
        for line, name in low_level_reaches(ast.parse(path.read_text()), private_names)
    ]
    assert reaches == []
    # The check sees what it looks for: the adapter itself reaches below.
    assert len(list(low_level_reaches(ast.parse(ADAPTER.read_text()), private_names))) > len(FUNCTIONS)
