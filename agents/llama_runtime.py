"""The process-wide llama.cpp models, loaded lazily in the process that generates.

A model is loaded on first use in the worker process that runs the turn, never at import time or in
Django's start-up. A Celery worker's parent loads the default model before it forks its pool
(agents/tasks.py) but never runs it: a process forked after llama.cpp has run inference hangs on its
own first inference (OpenMP), while loading runs nothing. One `Llama` holds one context, so calls
are serialised per model.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings as server_settings
from llama_cpp import Llama, LlamaGrammar
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from .chat_templates import chat_template
from .kv_cache import KvStateCache
from .llama_internals import is_end_of_generation, last_logits
from .process_memory import keep_large_buffers_out_of_the_heap
from .sampling import SamplingSettings, TokenSampler

logger = logging.getLogger(__name__)

ChatTurn = dict[str, str]


@dataclass(frozen=True)
class ModelSettings:
    path: Path
    context_size: int = 4096
    threads: int | None = None
    gpu_layers: int = 0
    # Memory for saved per-conversation KV states (kv_cache.py); 0 turns the reuse across conversations off.
    kv_cache_bytes: int = 0


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    prompt_tokens_evaluated: int
    completion_tokens: int
    time_to_first_token: float | None
    total_time: float
    # True when generation was stopped at the deadline rather than finishing.
    timed_out: bool = False


# Prompt tokens computed between two looks at the turn's deadline, so that a turn overruns it by one
# slice at most. Smaller slices cost throughput. Also llama.cpp's batch: a larger one is never filled,
# and its compute buffer grows with it.
PROMPT_SLICE_TOKENS = 256
# Flash attention computes a prompt faster, generates as fast and takes less memory per inference
# process (no attention matrix in the compute buffer).
FLASH_ATTENTION = True


@dataclass(frozen=True)
class _Generation:
    tokens: list[int]
    text: bytes
    timed_out: bool
    first_token_at: float | None


class PromptTooLong(ValueError):
    pass


class LoadedModel:
    def __init__(self, settings: ModelSettings) -> None:
        started = time.perf_counter()
        self.settings = settings
        self.llama = Llama(
            model_path=str(settings.path),
            n_ctx=settings.context_size,
            n_batch=PROMPT_SLICE_TOKENS,
            n_ubatch=PROMPT_SLICE_TOKENS,
            flash_attn=FLASH_ATTENTION,
            n_threads=settings.threads,
            n_gpu_layers=settings.gpu_layers,
            verbose=False,
        )
        eos_id = self.llama.token_eos()
        self._formatter = Jinja2ChatFormatter(
            template=chat_template(self.llama.metadata),
            eos_token=self._token_text(eos_id),
            bos_token=self._token_text(self.llama.token_bos()),
            stop_token_ids=[eos_id],
        )
        self._lock = threading.Lock()
        self._kv_states = KvStateCache(self.llama, settings.kv_cache_bytes)
        self._saving: threading.Thread | None = None
        logger.info("loaded model %s in %.2f s", settings.path.name, time.perf_counter() - started)

    @property
    def kv_states(self) -> KvStateCache:
        """The saved KV states, the last one included."""
        self._wait_for_save()
        return self._kv_states

    @property
    def name(self) -> str:
        return self.settings.path.name

    def _token_text(self, token: int) -> str:
        return self.llama.detokenize([token], special=True).decode("utf-8", errors="ignore") if token >= 0 else ""

    def prompt_tokens(self, messages: list[ChatTurn]) -> tuple[list[int], list[str]]:
        """The chat rendered with the model's own template and tokenized, and its stop strings."""
        # llama-cpp-python types a message by its role; the template reads any role and content alike.
        rendered = self._formatter(messages=messages)  # type: ignore[arg-type]
        tokens = self.llama.tokenize(rendered.prompt.encode("utf-8"), add_bos=True, special=True)
        stops = rendered.stop if isinstance(rendered.stop, list) else [rendered.stop] if rendered.stop else []
        return tokens, stops

    def complete(
        self,
        messages: list[ChatTurn],
        *,
        max_tokens: int,
        temperature: float,
        seed: int | None = None,
        stop: list[str] | None = None,
        grammar: LlamaGrammar | None = None,
        deadline: float | None = None,
        cache_key: Hashable | None = None,
        ends: Callable[[bytes], bool] | None = None,
    ) -> Completion:
        """Generate a reply; `deadline` (a time.monotonic() value) stops a generation that runs over,
        and `ends`, shown each new piece of text, says when it is complete before the model ends it.

        With a `cache_key` (the conversation), the best saved KV state is restored first and the
        context is saved under that key afterwards, so the conversation's next turn starts from it.
        """
        tokens, template_stops = self.prompt_tokens(messages)
        sampling = SamplingSettings(temperature=temperature, seed=seed)
        # As bytes, once: the generation loop looks for them in its text after every token.
        stops = [each.encode("utf-8") for each in template_stops + list(stop or []) if each]
        if len(tokens) + max_tokens > self.settings.context_size:
            raise PromptTooLong(
                f"{len(tokens)} prompt tokens + {max_tokens} leave no room in {self.settings.context_size}"
            )
        with self._lock:
            self._wait_for_save()
            if cache_key is not None:
                self._kv_states.restore_best(tokens)
            reused = self._reusable_prefix(tokens)
            evaluated = len(tokens) - reused
            started = time.perf_counter()
            if not self._evaluate_prompt(tokens, reused, deadline):
                return Completion(
                    text="", prompt_tokens=len(tokens), prompt_tokens_evaluated=evaluated, completion_tokens=0,
                    time_to_first_token=None, total_time=time.perf_counter() - started, timed_out=True,
                )  # fmt: skip
            generation = self._generate(
                max_tokens=max_tokens, sampling=sampling, stops=stops, grammar=grammar, deadline=deadline, ends=ends
            )
            total = time.perf_counter() - started
            if cache_key is not None and self._kv_states.enabled:
                self._save_in_background(cache_key)
        text, _ = _cut_at_stop(generation.text, stops)
        first_token_at = generation.first_token_at
        return Completion(
            text=text.decode("utf-8", errors="ignore").strip(),
            prompt_tokens=len(tokens),
            prompt_tokens_evaluated=evaluated,
            completion_tokens=len(generation.tokens),
            time_to_first_token=None if first_token_at is None else first_token_at - started,
            total_time=total,
            timed_out=generation.timed_out,
        )

    def _generate(
        self,
        *,
        max_tokens: int,
        sampling: SamplingSettings,
        stops: list[bytes],
        grammar: LlamaGrammar | None,
        deadline: float | None,
        ends: Callable[[bytes], bool] | None,
    ) -> _Generation:
        """Sample up to `max_tokens` after the prompt the context holds; the tokens (end-of-generation
        excluded) and their text, whether the deadline cut them short, and when the first came.

        A loop of its own rather than llama-cpp-python's create_completion, which detokenizes the
        text so far again at every token, and whose sampler costs more (sampling.py).
        """
        llama = self.llama
        sampler = TokenSampler(llama, sampling, grammar)
        generated: list[int] = []
        text = b""
        first_token_at: float | None = None
        try:
            while len(generated) < max_tokens:
                token = sampler.sample(last_logits(llama))
                if first_token_at is None:
                    first_token_at = time.perf_counter()
                if is_end_of_generation(llama, token):
                    break
                generated.append(token)
                piece = llama.detokenize([token])
                text += piece
                if _cut_at_stop(text, stops)[1] or (ends is not None and ends(piece)):
                    break
                if deadline is not None and time.monotonic() > deadline:
                    return _Generation(generated, text, True, first_token_at)
                if len(generated) < max_tokens:
                    llama.eval([token])
        finally:
            sampler.close()
        return _Generation(generated, text, False, first_token_at)

    def drop_saved_states(self) -> None:
        """Give the saved states back now (and count them out of the metric): the model is being dropped."""
        with self._lock:
            self._wait_for_save()
            self._kv_states.clear()

    def _save_in_background(self, key: Hashable) -> None:
        """Copy the context's state out while the caller goes on: the copy's time, most of it the
        kernel's page faults, is otherwise a wait added to the reply. The
        context is left alone until the copy is done: every use of it waits for it first."""
        self._saving = threading.Thread(target=self._save, args=(key,), name="kv-state-save", daemon=True)
        self._saving.start()

    def _save(self, key: Hashable) -> None:
        try:
            self._kv_states.save(key)
        except Exception:
            logger.exception("the KV state of %s was not saved: its next turn computes its prompt again", key)

    def _wait_for_save(self) -> None:
        if self._saving is not None:
            self._saving.join()
            self._saving = None

    def _evaluate_prompt(self, tokens: list[int], position: int, deadline: float | None) -> bool:
        """Compute the prompt's tokens from `position` (the context holds those before) in slices,
        stopping when the deadline passes; False then.

        llama.cpp cannot be interrupted inside one evaluation, and a long prompt on a busy CPU takes
        tens of seconds: sliced, a turn over its time budget stops within one slice. Every token is
        computed here, so _generate samples at once from fresh logits.
        """
        self.llama.n_tokens = position
        while position < len(tokens):
            if deadline is not None and time.monotonic() > deadline:
                return False
            end = min(position + PROMPT_SLICE_TOKENS, len(tokens))
            self.llama.eval(tokens[position:end])
            position = end
        return True

    def _reusable_prefix(self, tokens: list[int]) -> int:
        """How many leading prompt tokens the context holds already and need not be computed.

        The longest common prefix with what the context holds, less one token when it holds the
        whole prompt: that one is computed again, for the logits the first sample is drawn from.
        """
        if self.llama.n_tokens == 0:
            return 0
        prefix = Llama.longest_token_prefix(self.llama.input_ids[: self.llama.n_tokens].tolist(), tokens)
        return prefix - 1 if prefix == len(tokens) and prefix > 0 else prefix


def _cut_at_stop(text: bytes, stops: list[bytes]) -> tuple[bytes, bool]:
    """The text before the first stop string in it, and whether there was one."""
    found = [index for index in (text.find(stop) for stop in stops) if index >= 0]
    return (text[: min(found)], True) if found else (text, False)


# Most recently used last. Each business may choose its own settings, and each combination is a model
# loaded with its own context: kept without bound, they would fill the worker's memory.
_models: OrderedDict[ModelSettings, LoadedModel] = OrderedDict()
_models_lock = threading.Lock()


def get_model(settings: ModelSettings) -> LoadedModel:
    """The process's model for these settings, loaded on first use; the PARLEY_MODEL_CACHE_SIZE most
    recently used stay loaded. One dropped is freed once its last turn lets go of it."""
    dropped: list[LoadedModel] = []
    with _models_lock:
        model = _models.get(settings)
        if model is not None:
            _models.move_to_end(settings)
            return model
        if not _models:
            keep_large_buffers_out_of_the_heap()
        while len(_models) >= server_settings.PARLEY_MODEL_CACHE_SIZE:
            dropped.append(_models.popitem(last=False)[1])
        model = _models[settings] = LoadedModel(settings)
    # Outside the cache's lock: a dropped model still generating for another thread finishes first.
    for old in dropped:
        logger.info("dropped model %s, context %d: used least recently", old.name, old.settings.context_size)
        old.drop_saved_states()
    return model
