import json
import re

from llama_cpp import Llama, LlamaGrammar

from agents.chat_model import MAX_ARGUMENT_LENGTH, step_schema
from agents.llama_runtime import FLASH_ATTENTION, PROMPT_SLICE_TOKENS, ModelSettings, get_model
from agents.model_files import bundled_model_path

SETTINGS = ModelSettings(path=bundled_model_path(), context_size=2048)
QUESTION = [{"role": "user", "content": "Do you deliver to the city centre?"}]
ORDER_TOOL = {
    "type": "function",
    "function": {
        "name": "lookup_order",
        "parameters": {"type": "object", "properties": {"reference": {"type": "string"}}, "required": ["reference"]},
    },
}


def library_text(grammar: LlamaGrammar | None, max_tokens: int) -> str:
    """What llama-cpp-python's own create_completion writes, greedily, with the grammar in its chain."""
    library = Llama(
        model_path=str(SETTINGS.path), n_ctx=SETTINGS.context_size,
        n_batch=PROMPT_SLICE_TOKENS, n_ubatch=PROMPT_SLICE_TOKENS, flash_attn=FLASH_ATTENTION, verbose=False,
    )  # fmt: skip
    prompt, _ = get_model(SETTINGS).prompt_tokens(QUESTION)
    completion = library.create_completion(
        prompt, max_tokens=max_tokens, temperature=0.0, repeat_penalty=1.1, grammar=grammar
    )
    return completion["choices"][0]["text"].strip()


def parley_text(
    grammar: LlamaGrammar | None, max_tokens: int, temperature: float = 0.0, seed: int | None = None
) -> str:
    model = get_model(SETTINGS)
    # From an empty context, as the library's: a prompt computed in other batches may differ in the
    # last bits of its scores, enough to change a near tie between two tokens.
    model.llama.reset()
    return model.complete(QUESTION, max_tokens=max_tokens, temperature=temperature, seed=seed, grammar=grammar).text


def test_greedy_text_is_the_token_for_token_choice_of_the_library_with_its_repetition_penalty():
    assert parley_text(None, max_tokens=24) == library_text(None, max_tokens=24)


def test_greedy_steps_are_the_tokens_the_whole_vocabulary_grammar_picks():
    grammar = LlamaGrammar.from_json_schema(json.dumps(step_schema([ORDER_TOOL], None)), verbose=False)
    expected = library_text(grammar, max_tokens=12)
    assert expected.startswith("{")
    # The second step starts from the allowed first tokens found by the first.
    assert [parley_text(grammar, max_tokens=12) for _ in range(2)] == [expected, expected]


def test_a_token_the_grammar_rejects_is_never_chosen():
    # No model writes this on its own, so every token is its first choice rejected and picked again.
    grammar = LlamaGrammar.from_string('root ::= "Q" [0-9] [0-9] [0-9] "!"', verbose=False)
    assert re.fullmatch(r"Q\d{3}!", parley_text(grammar, max_tokens=8))


def test_sampled_steps_follow_the_grammar():
    grammar = LlamaGrammar.from_json_schema(json.dumps(step_schema([ORDER_TOOL], "lookup_order")), verbose=False)
    # The tool's one argument is bounded in characters, not tokens: a sampled one may spell each
    # character as a \uXXXX escape, 6 tokens, and the JSON around it a token per character, optional
    # spaces (one at most between any two of its tokens) included.
    frame = '{"tool":"lookup_order","args":{"reference":""}}'
    room = 2 * len(frame) + 6 * MAX_ARGUMENT_LENGTH
    for _ in range(3):
        step = json.loads(parley_text(grammar, max_tokens=room, temperature=0.9), strict=False)
        assert step["tool"] == "lookup_order" and isinstance(step["args"]["reference"], str)


def test_a_seed_draws_the_same_text_every_time_and_other_seeds_draw_other_texts():
    texts = {seed: parley_text(None, max_tokens=16, temperature=0.9, seed=seed) for seed in (7, 8, 9)}
    assert parley_text(None, max_tokens=16, temperature=0.9, seed=7) == texts[7]
    assert len(set(texts.values())) == 3


def test_a_seeded_step_draws_the_same_tokens_whether_the_process_knows_the_grammars_openings_or_not():
    schema = json.dumps(step_schema([ORDER_TOOL], None))

    def step(grammar: LlamaGrammar) -> str:
        return parley_text(grammar, max_tokens=24, temperature=0.9, seed=7)

    first_seen = step(LlamaGrammar.from_json_schema(schema, verbose=False))
    grammar = LlamaGrammar.from_json_schema(schema, verbose=False)
    step(grammar)
    assert step(grammar) == first_seen
