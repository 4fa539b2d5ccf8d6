"""core/crypto.py: encryption at rest, rotation, keyed search hashes, masking, and the keys it refuses."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from huiketing.core import crypto

KEY_A = "key-a-0123456789abcdefghijklmnopqrstuvwxyz"
KEY_B = "key-b-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def keys(settings):
    def use(value: str):
        settings.FIELD_KEYS = value

    use(KEY_A)
    return use


def test_round_trip_and_fresh_ciphertexts(keys):
    for text in ["654301198001010010", "13912345678", "努尔兰·别克"]:
        token = crypto.encrypt(text)
        assert token.startswith(crypto.TOKEN_PREFIX)
        assert text not in token
        assert crypto.decrypt(token) == text
    # The same value encrypts differently every time, so equal values cannot be spotted in the table.
    assert crypto.encrypt("13912345678") != crypto.encrypt("13912345678")


def test_decrypt_refuses_what_is_not_a_token(keys):
    with pytest.raises(ValueError):
        crypto.decrypt("13912345678")


def test_rotation_old_keys_still_decrypt_and_rotate_moves_to_the_newest(keys):
    old = crypto.encrypt("654301198001010010")
    keys(f"{KEY_B},{KEY_A}")
    assert crypto.decrypt(old) == "654301198001010010"
    new = crypto.encrypt("654301198001010010")
    rotated = crypto.rotate(old)
    assert rotated != old
    keys(KEY_B)
    assert crypto.decrypt(new) == crypto.decrypt(rotated) == "654301198001010010"
    with pytest.raises(ImproperlyConfigured, match="a key is missing"):
        crypto.decrypt(old)


def test_search_hash_is_stable_keyed_and_kind_specific(keys):
    first = crypto.search_hash("id", "654301198001010010")
    assert first == crypto.search_hash("id", "654301198001010010")
    assert len(first) == 64 and "654301198001010010" not in first
    assert crypto.search_hash("phone", "654301198001010010") != first
    assert crypto.search_hash("id", "654301198001010028") != first
    # A new key in front keeps the hash (it comes from the last key)...
    keys(f"{KEY_B},{KEY_A}")
    assert crypto.search_hash("id", "654301198001010010") == first
    # ...a different last key changes it (fields_reencrypt --rehash).
    keys(KEY_B)
    assert crypto.search_hash("id", "654301198001010010") != first


def test_masking():
    assert crypto.mask_id_number("65430119800101003X") == "6543**********003X"
    assert crypto.mask_id_number("123") == "***"
    assert crypto.mask_phone("13912345678") == "139****5678"
    assert crypto.mask_phone("0906-2123456") == "0906-***3456"


@pytest.mark.parametrize("value", ["", " , ", "short-key", f"{KEY_A},short-key"])
def test_missing_or_short_keys_are_refused(keys, value):
    keys(value)
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("13912345678")


def test_the_secret_key_is_refused_as_a_field_key(keys, settings):
    settings.SECRET_KEY = "secret-0123456789abcdefghijklmnopqrstuvwxyz"
    keys(f"{KEY_A},{settings.SECRET_KEY}")
    with pytest.raises(ImproperlyConfigured, match="secret key"):
        crypto.encrypt("13912345678")
