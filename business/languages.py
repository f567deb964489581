"""The languages Parley's agent can serve a business's customers in, by ISO 639-1 code.

A business lists the ones it serves, main one first; the agent's fixed sentences have a catalogue
for each of these (locale/<code>/LC_MESSAGES/django.po).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

SUPPORTED_LANGUAGES = {
    "en": gettext_lazy("English"),
    "fr": gettext_lazy("French"),
    "es": gettext_lazy("Spanish"),
    "de": gettext_lazy("German"),
    "it": gettext_lazy("Italian"),
    "pt": gettext_lazy("Portuguese"),
}
DEFAULT_LANGUAGES = ["en"]


def default_languages() -> list[str]:
    return list(DEFAULT_LANGUAGES)


def validate_languages(value: object) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
        raise ValidationError(gettext('List at least one language code, the main one first, e.g. ["fr", "en"].'))
    unknown = [code for code in value if code not in SUPPORTED_LANGUAGES]
    if unknown:
        raise ValidationError(
            gettext("Unsupported languages %(unknown)s: use %(supported)s.")
            % {"unknown": ", ".join(unknown), "supported": ", ".join(SUPPORTED_LANGUAGES)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(gettext("Each language once."))
