"""Secrets at rest: model fields stored as Fernet tokens, under keys that come from the environment.

A database dump alone then reveals no platform token, signing secret or API key. The first key of
PARLEY_ENCRYPTION_KEYS encrypts; every key listed decrypts, so that keys can be rotated
(`manage.py rotate_encryption_keys`). With none set, a key derived from SECRET_KEY encrypts: fine for
development and tests, but production sets its own, kept apart from the database. The derived key
always decrypts last, so that an installation that started without keys can move to its own by
setting them and running the rotation, without having to know the derived one.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UndecryptableSecret(RuntimeError):
    """A stored secret none of the configured keys opens: the key that encrypted it was removed too early."""


def key_derived_from(secret_key: str) -> bytes:
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"parley secrets at rest").derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=4)
def _box(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    try:
        return MultiFernet([*(Fernet(key) for key in keys), Fernet(key_derived_from(secret_key))])
    except ValueError as error:
        raise ImproperlyConfigured(
            "PARLEY_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes, as Fernet.generate_key() makes"
        ) from error


def secret_box() -> MultiFernet:
    """The keys as configured now (settings may change in tests; each combination is built once)."""
    return _box(tuple(settings.PARLEY_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return secret_box().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return secret_box().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise UndecryptableSecret(
            "a stored secret cannot be decrypted with PARLEY_ENCRYPTION_KEYS: keep the old key listed until "
            "rotate_encryption_keys has run (or DJANGO_SECRET_KEY unchanged, for secrets stored without keys)"
        ) from error


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token ("" stays "": it tells only that no secret is set)."""

    # Serializers (dumpdata) would write the decrypted text into a file anyone with the file could read:
    # secrets leave the database only as ciphertext, through a database backup.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("serialize", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("serialize", None)
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        return encrypt(value) if value else value


class UnreadableSecrets(Mapping[str, Any]):
    """Secrets none of the configured keys opens, loaded as such: the row and its other fields stay
    usable (lists and transcripts show), and reading any secret raises UndecryptableSecret, saying why."""

    def __init__(self, error: UndecryptableSecret) -> None:
        self.error = error

    def _refuse(self) -> UndecryptableSecret:
        return UndecryptableSecret(str(self.error))

    def __getitem__(self, key: str) -> Any:
        raise self._refuse()

    def __iter__(self) -> Iterator[str]:
        raise self._refuse()

    def __len__(self) -> int:
        raise self._refuse()


class EncryptedJSONField(EncryptedTextField):
    """A JSON object stored as one Fernet token."""

    # The object the decrypted text holds, where the text field gives the text: Django calls each
    # field's own, never one through the other.
    def from_db_value(  # type: ignore[override]
        self, value: str | None, expression: Any, connection: Any
    ) -> Mapping[str, Any]:
        try:
            text = super().from_db_value(value, expression, connection)
        except UndecryptableSecret as error:
            return UnreadableSecrets(error)
        return json.loads(text) if text else {}

    def to_python(self, value: Any) -> Mapping[str, Any]:
        return value if isinstance(value, Mapping) else json.loads(value or "{}")

    def get_prep_value(self, value: Any) -> str:
        return json.dumps(value or {}, sort_keys=True)


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, and those fields' names."""
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            yield model, names
