import subprocess
import sys

from llama_cpp import LlamaGrammar

from agents.chat_model import ClosedJson
from agents.llama_runtime import ModelSettings, get_model
from agents.model_files import bundled_model_path

SETTINGS = ModelSettings(path=bundled_model_path(), context_size=2048)
SYSTEM = {
    "role": "system",
    "content": "You are the assistant of a bakery. Opening hours: Tuesday to Sunday, 7:00 to 19:00.",
}


def test_the_bundled_model_is_found_in_its_package():
    assert bundled_model_path().name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert bundled_model_path().stat().st_size > 50_000_000


def test_the_model_is_loaded_once_per_process():
    assert get_model(SETTINGS) is get_model(SETTINGS)


def test_a_following_turn_reuses_the_cached_prompt_prefix():
    model = get_model(SETTINGS)
    first_turn = [SYSTEM, {"role": "user", "content": "When do you open?"}]
    first = model.complete(first_turn, max_tokens=6, temperature=0.0)
    second_turn = first_turn + [
        {"role": "assistant", "content": first.text},
        {"role": "user", "content": "And on Monday?"},
    ]
    second = model.complete(second_turn, max_tokens=6, temperature=0.0)
    assert first.text and second.text
    assert second.prompt_tokens > first.prompt_tokens
    # Only the new turn is computed: the system prompt and the first exchange come from the KV cache.
    assert second.prompt_tokens_evaluated < second.prompt_tokens - first.prompt_tokens + 8
    assert second.time_to_first_token is not None and second.total_time >= second.time_to_first_token


def test_a_generation_ends_where_its_caller_says_it_is_complete():
    model = get_model(SETTINGS)
    # The grammar goes on after the object; told that a closed object is complete, generation stops there.
    grammar = LlamaGrammar.from_string('root ::= "{}" "after"', verbose=False)
    question = [SYSTEM, {"role": "user", "content": "Hello"}]
    whole = model.complete(question, max_tokens=8, temperature=0.0, grammar=grammar)
    ended = model.complete(question, max_tokens=8, temperature=0.0, grammar=grammar, ends=ClosedJson())
    assert (whole.text, ended.text) == ("{}after", "{}")
    assert ended.completion_tokens < whole.completion_tokens


def test_the_web_process_never_imports_llama_cpp():
    code = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup();"
        "import config.urls, agents.tasks, conversations.inbound; print('llama_cpp' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
