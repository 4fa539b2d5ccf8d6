"""Model fields for personal data: stored encrypted, read back in clear, never usable in a database lookup."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from huiketing.core import crypto


class Ciphertext(str):
    """A value that is already an encryption token (core.crypto), to be stored as it is.

    The escape hatch for code that moves ciphertexts without reading them, such as `fields_reencrypt` (which
    rotates tokens and writes them back with bulk_update) and bulk loaders that reuse one token: a plain str
    is always encrypted on save, so without this the token itself would be encrypted a second time.
    """

    def __new__(cls, token: str):
        if not token.startswith(crypto.TOKEN_PREFIX):
            raise ValueError("Ciphertext() takes an encryption token, not a clear value.")
        return super().__new__(cls, token)


class EncryptedTextField(models.TextField):
    """A text value encrypted at rest with the field keys (see core.crypto).

    Ciphertexts differ on every write, so equality lookups would silently find nothing: only `isnull` is
    allowed. Search goes through a separate keyed-hash column.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)
        return crypto.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise TypeError(f"{self.__class__.__name__} cannot be looked up with {lookup_name!r}.")
        return super().get_lookup(lookup_name)


@dataclass(frozen=True)
class HashedField:
    """An encrypted field with a keyed-hash column for exact search, and the value that column holds when
    the field is empty."""

    model: str  # app_label.ModelName
    field: str
    hash_field: str
    hash: Callable[[str], str]  # clear value -> hash
    empty: object


# Filled by the apps (people.apps) so that `fields_reencrypt --rehash` cannot miss a hash column.
SEARCH_HASHES: list[HashedField] = []


def search_hash_register(hashed: HashedField) -> None:
    if hashed not in SEARCH_HASHES:
        SEARCH_HASHES.append(hashed)
