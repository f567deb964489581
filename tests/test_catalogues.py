"""The message catalogues: every sentence translated in every language, and the .mo files up to date."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUES = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_every_sentence_has_a_translation(language):
    with (CATALOGUES / language / "LC_MESSAGES" / "django.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    untranslated = [message.id for message in catalog if message.id and not message.string]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert len(catalog) > 0 and untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_compiled_catalogue_is_the_translated_one(language):
    """A .mo compiled from an older .po would serve old sentences: `manage.py compilemessages` after editing."""
    folder = CATALOGUES / language / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as file:
        source = read_po(file, locale=language)
    with (folder / "django.mo").open("rb") as file:
        compiled = read_mo(file)
    assert entries(compiled) == entries(source)


def entries(catalogue: Catalog) -> dict[object, object]:
    """msgid to msgstr; a plural message's ids and strings as tuples."""

    def frozen(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {frozen(message.id): frozen(message.string) for message in catalogue if message.id}
