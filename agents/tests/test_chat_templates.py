"""A model file without a chat template gets its architecture's."""

from __future__ import annotations

import pytest
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from agents.chat_templates import NoChatTemplate, chat_template


def test_a_files_own_template_is_used():
    assert chat_template({"tokenizer.chat_template": "{{ messages }}", "general.architecture": "gemma3"}) == (
        "{{ messages }}"
    )


def test_a_gemma_file_without_a_template_gets_gemmas_turns():
    formatter = Jinja2ChatFormatter(
        template=chat_template({"general.architecture": "gemma3"}), eos_token="<eos>", bos_token="<bos>"
    )
    messages = [
        {"role": "system", "content": "Answer from the facts."},
        {"role": "user", "content": "Êtes-vous ouverts dimanche ?"},
        {"role": "assistant", "content": "Non. "},
        {"role": "user", "content": "Et samedi ?"},
    ]
    prompt = formatter(messages=messages).prompt  # type: ignore[arg-type]
    assert prompt == (
        "<start_of_turn>user\nAnswer from the facts.\n\nÊtes-vous ouverts dimanche ?<end_of_turn>\n"
        "<start_of_turn>model\nNon.<end_of_turn>\n"
        "<start_of_turn>user\nEt samedi ?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_a_file_without_a_template_of_an_unknown_architecture_is_refused_by_name():
    with pytest.raises(NoChatTemplate, match="none is known for mamba"):
        chat_template({"general.architecture": "mamba"})
