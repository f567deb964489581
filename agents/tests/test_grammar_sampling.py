import json
import re

from llama_cpp import Llama, LlamaGrammar

from agents.chat_model import step_schema
from agents.grammar_sampling import LazyGrammarLlama
from agents.llama_runtime import ModelSettings, get_model
from agents.model_files import bundled_model_path

SETTINGS = ModelSettings(path=bundled_model_path(), context_size=2048)
PROMPT = "<|im_start|>user\nDo you deliver to the city centre?<|im_end|>\n<|im_start|>assistant\n"
ORDER_TOOL = {"type": "function", "function": {"name": "lookup_order", "parameters": {"type": "object", "properties": {"reference": {"type": "string"}}, "required": ["reference"]}}}


def generate(llama: Llama, grammar: LlamaGrammar, max_tokens: int) -> str:
    prompt = llama.tokenize(PROMPT.encode(), add_bos=True, special=True)
    completion = llama.create_completion(prompt, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.1, grammar=grammar)
    return completion["choices"][0]["text"]


def test_the_agent_model_samples_grammar_steps_lazily():
    assert isinstance(get_model(SETTINGS).llama, LazyGrammarLlama)


def test_greedy_steps_are_the_tokens_the_whole_vocabulary_grammar_picks():
    grammar = LlamaGrammar.from_json_schema(json.dumps(step_schema([ORDER_TOOL], None)), verbose=False)
    eager = Llama(model_path=str(SETTINGS.path), n_ctx=256, verbose=False)
    lazy_text = generate(get_model(SETTINGS).llama, grammar, max_tokens=12)
    assert lazy_text == generate(eager, grammar, max_tokens=12)
    assert lazy_text.lstrip().startswith('{')


def test_a_token_the_grammar_rejects_is_never_chosen():
    # No model writes this on its own, so every token is its first choice rejected and picked again.
    grammar = LlamaGrammar.from_string('root ::= "Q" [0-9] [0-9] [0-9] "!"', verbose=False)
    assert re.fullmatch(r"Q\d{3}!", generate(get_model(SETTINGS).llama, grammar, max_tokens=8))
