"""Encryption at rest for personal fields, and keyed hashes for exact-match search (DESIGN.md §6).

Keys come from HUIKETING_FIELD_KEYS (settings.FIELD_KEYS): comma-separated, newest first, never derived from
SECRET_KEY. Values are encrypted with the newest key (Fernet: AES-128-CBC with HMAC-SHA256) and decrypted with
any of them, so rotation is: put a new key first, run `huiketing fields_reencrypt`, then drop the old key.
The search hash is an HMAC-SHA256 under a key derived from the *last* key in the list (the installation's
first key): it must stay the same across rotations, or every stored hash would have to be recomputed
(`fields_reencrypt --rehash` does that when the last key itself must go).
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "enc1:"  # noqa: S105 — marks a ciphertext, not a secret
MIN_KEY_LENGTH = 32


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"huiketing", info=purpose).derive(secret.encode())


@lru_cache(maxsize=8)
def _material(keys: str) -> tuple[MultiFernet, bytes]:
    secrets_ = [key.strip() for key in keys.split(",") if key.strip()]
    if not secrets_:
        raise ImproperlyConfigured("HUIKETING_FIELD_KEYS is not set: personal fields cannot be stored.")
    if any(len(key) < MIN_KEY_LENGTH for key in secrets_):
        raise ImproperlyConfigured(
            f"Every key in HUIKETING_FIELD_KEYS needs at least {MIN_KEY_LENGTH} characters."
        )
    if settings.SECRET_KEY in secrets_:
        raise ImproperlyConfigured("HUIKETING_FIELD_KEYS must not contain the secret key.")
    fernets = [Fernet(base64.urlsafe_b64encode(_derive(key, b"field-encryption"))) for key in secrets_]
    return MultiFernet(fernets), _derive(secrets_[-1], b"search-hash")


def encrypt(text: str) -> str:
    fernet, _ = _material(settings.FIELD_KEYS)
    return TOKEN_PREFIX + fernet.encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise ValueError("Not an encrypted value.")
    fernet, _ = _material(settings.FIELD_KEYS)
    try:
        return fernet.decrypt(token[len(TOKEN_PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A personal field cannot be decrypted with HUIKETING_FIELD_KEYS: a key is missing."
        ) from error


def rotate(token: str) -> str:
    """The same value encrypted under the newest key."""
    fernet, _ = _material(settings.FIELD_KEYS)
    return TOKEN_PREFIX + fernet.rotate(token[len(TOKEN_PREFIX) :].encode()).decode()


def search_hash(kind: str, normalised: str) -> str:
    """A keyed hash for exact-match search; `kind` keeps an ID number and a phone with equal digits apart."""
    _, key = _material(settings.FIELD_KEYS)
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(number: str) -> str:
    """6543**********123X: the province and city, and the last four characters."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """139****5678 for a mobile; 0906-***4567 for a landline."""
    digits = number.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if "-" in number:
        area, local = number.split("-", 1)
        return area + "-" + "*" * max(len(local) - 4, 0) + local[-4:]
    return "*" * max(len(number) - 4, 0) + number[-4:]
