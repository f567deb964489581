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

from .batched_generation import BatchedGenerator, GenerationJob
from .chat_templates import chat_template
from .kv_cache import ContextStates, KvStateCache
from .llama_internals import last_logits
from .process_memory import keep_large_buffers_out_of_the_heap
from .sampling import SamplingSettings
from .token_stream import Generation, TokenStream, cut_at_stop

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
    # Model calls of as many turns computed together (batched_generation.py), each in a sequence of
    # context_size tokens; 0: one call at a time in the model's one context.
    slots: int = 0


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


class PromptTooLong(ValueError):
    pass


class LoadedModel:
    def __init__(self, settings: ModelSettings) -> None:
        started = time.perf_counter()
        self.settings = settings
        self.llama = Llama(
            model_path=str(settings.path),
            # Batched, the Llama only tokenizes and lends its weights: its own context stays small.
            n_ctx=PROMPT_SLICE_TOKENS if settings.slots else settings.context_size,
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
        self._context_states = ContextStates(self.llama, settings.kv_cache_bytes)
        self._saving: threading.Thread | None = None
        self._batched: BatchedGenerator | None = None
        if settings.slots:
            self._batched = BatchedGenerator(
                self.llama, settings.slots, settings.context_size, settings.kv_cache_bytes, PROMPT_SLICE_TOKENS
            )
        logger.info("loaded model %s in %.2f s", settings.path.name, time.perf_counter() - started)

    @property
    def kv_states(self) -> KvStateCache:
        """The saved KV states, the last one included."""
        if self._batched is not None:
            return self._batched.states
        self._wait_for_save()
        return self._context_states.cache

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
        stream = TokenStream(
            self.llama,
            max_tokens=max_tokens,
            sampling=sampling,
            stops=stops,
            grammar=grammar,
            deadline=deadline,
            ends=ends,
        )
        if self._batched is not None:
            return self._complete_batched(tokens, stream, stops, deadline, cache_key)
        with self._lock:
            self._wait_for_save()
            if cache_key is not None:
                self._context_states.restore_best(tokens)
            reused = self._reusable_prefix(tokens)
            evaluated = len(tokens) - reused
            started = time.perf_counter()
            if not self._evaluate_prompt(tokens, reused, deadline):
                stream.stop_at_deadline()
            else:
                self._generate(stream)
            total = time.perf_counter() - started
            if cache_key is not None and self._context_states.cache.enabled:
                self._save_in_background(cache_key)
        assert stream.finished is not None
        return _completion(stream.finished, stops, len(tokens), evaluated, started, total)

    def _complete_batched(
        self, tokens: list[int], stream: TokenStream, stops: list[bytes], deadline: float | None, cache_key: Hashable
    ) -> Completion:
        assert self._batched is not None
        job = GenerationJob(prompt=tokens, stream=stream, deadline=deadline, cache_key=cache_key)
        started = time.perf_counter()
        self._batched.generate(job)
        assert stream.finished is not None
        return _completion(stream.finished, stops, len(tokens), job.evaluated, started, time.perf_counter() - started)

    def _generate(self, stream: TokenStream) -> None:
        """Pick tokens after the prompt the context holds until the stream ends.

        A loop of its own rather than llama-cpp-python's create_completion, which detokenizes the
        text so far again at every token, and whose sampler costs more (sampling.py).
        """
        try:
            token = None if stream.finished else stream.take(last_logits(self.llama))
            while token is not None:
                self.llama.eval([token])
                token = stream.take(last_logits(self.llama))
        finally:
            stream.close()

    def drop_saved_states(self) -> None:
        """Give the saved states and the batched context back now (and count the states out of the metric):
        the model is being dropped."""
        if self._batched is not None:
            self._batched.close()
        with self._lock:
            self._wait_for_save()
            self._context_states.cache.clear()

    def _save_in_background(self, key: Hashable) -> None:
        """Copy the context's state out while the caller goes on: the copy's time, most of it the
        kernel's page faults, is otherwise a wait added to the reply. The
        context is left alone until the copy is done: every use of it waits for it first."""
        self._saving = threading.Thread(target=self._save, args=(key,), name="kv-state-save", daemon=True)
        self._saving.start()

    def _save(self, key: Hashable) -> None:
        try:
            self._context_states.save(key)
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


def _completion(
    generation: Generation, stops: list[bytes], prompt_tokens: int, evaluated: int, started: float, total: float
) -> Completion:
    text, _ = cut_at_stop(generation.text, stops)
    first_token_at = generation.first_token_at
    return Completion(
        text=text.decode("utf-8", errors="ignore").strip(),
        prompt_tokens=prompt_tokens,
        prompt_tokens_evaluated=evaluated,
        completion_tokens=len(generation.tokens),
        time_to_first_token=None if first_token_at is None else first_token_at - started,
        total_time=total,
        timed_out=generation.timed_out,
    )


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
