"""``crypto.encrypt_many``: Fernet tokens that ``decrypt`` (and Fernet itself) read, a fresh IV
for every value, the empty string kept empty."""

from __future__ import annotations

from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.core import crypto


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=40))
def test_encrypt_many_round_trips(values):
    tokens = crypto.encrypt_many(values)
    assert [crypto.decrypt(t) for t in tokens] == values
    assert all((t == "") == (v == "") for t, v in zip(tokens, values, strict=True))


def test_tokens_are_fernet_tokens_with_fresh_ivs():
    tokens = crypto.encrypt_many(["Nguyễn Văn Anh"] * 3 + ["x" * 16, "1990-01-01"])
    assert len(set(tokens[:3])) == 3  # same plaintext, different ciphertext
    f = Fernet(crypto.encryption_keys()[0].encode())
    assert [f.decrypt(t.encode()).decode() for t in tokens] == ["Nguyễn Văn Anh"] * 3 + ["x" * 16, "1990-01-01"]
