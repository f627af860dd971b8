"""What j1sync knows of a secret parameter's value: a keyed fingerprint kept in the account.

JupiterOne never returns a secret parameter's value, so j1sync cannot compare it with the
manifest's `${env:}` value. Each time j1sync writes a secret it also writes a companion,
non-secret parameter `j1sync_fp_<name>` holding:

- an HMAC-SHA256 of the value, keyed from J1SYNC_PLAN_KEY when it is set, else from the
  API key (the secret saved plans are signed with), stretched with PBKDF2 once per
  process, and salted with a random salt per write: the record holds neither the value
  nor an unkeyed hash of it, so whoever reads it cannot test guesses without the key, and
  one value in two parameters (or written twice) fingerprints differently;
- the parameter's `lastUpdatedOn` as read right after the write, so a hand edit of the
  secret (a new `lastUpdatedOn`) is drift even though its value cannot be read.

A plan writes the secret again when the record is missing, does not match the value, was
made with another key, or the parameter changed since; otherwise the secret is unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from j1sync import json_input
from j1sync.canonical import canonical_json, same_secret, text_bytes
from j1sync.engine.fingerprint import SALT_BYTES
from j1sync.plan_signature import KDF_ITERATIONS, PlanKey
from j1sync.providers.jupiterone.models.parameter import RESERVED_PREFIX

FINGERPRINT_PREFIX = f"{RESERVED_PREFIX}fp_"
SCHEME = "j1sync-parameter-hmac-sha256-v1"
_KDF_CONTEXT = b"j1sync parameter fingerprint key\x00"
_MESSAGE_CONTEXT = b"j1sync parameter\x00"


def fingerprint_name(name: str) -> str:
    """The companion record of parameter `name`."""
    return f"{FINGERPRINT_PREFIX}{name}"


def fingerprinted_name(record_name: str) -> str | None:
    """The parameter a companion record belongs to; None for any other name."""
    if record_name.startswith(FINGERPRINT_PREFIX):
        return record_name[len(FINGERPRINT_PREFIX) :]
    return None


@functools.lru_cache(maxsize=4)
def _stretch(secret: str) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8"), _KDF_CONTEXT, KDF_ITERATIONS)


@dataclass(frozen=True)
class FingerprintKey:
    """The key fingerprints are made with, and which secret it came from (a variable's
    name, written in the record so that a key change reads as "unknown", not "changed")."""

    source: str
    key: bytes = field(repr=False)

    @classmethod
    def choose(cls, api_key: str, env: Mapping[str, str]) -> FingerprintKey:
        chosen = PlanKey.choose(api_key, env)
        return cls(chosen.source, _stretch(chosen.secret))

    def mac(self, salt: bytes, name: str, value: Any) -> str:
        message = _MESSAGE_CONTEXT + salt + text_bytes(canonical_json([name, value]))
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()


def new_record(key: FingerprintKey, name: str, value: Any, written: str | None) -> str:
    """The record of `value` just written to parameter `name` (`written`: its
    lastUpdatedOn as read back, when the API gives one)."""
    salt = secrets.token_bytes(SALT_BYTES)
    record = {
        "scheme": SCHEME,
        "key": key.source,
        "salt": salt.hex(),
        "mac": key.mac(salt, name, value),
        "written": written,
    }
    return canonical_json(record)


def key_source(record: str | None) -> str | None:
    """Which secret a record was keyed from (a variable's name), when it says."""
    try:
        data = json_input.loads(record) if record else None
    except ValueError:
        return None
    source = data.get("key") if isinstance(data, dict) else None
    return source if isinstance(source, str) else None


def unchanged(
    record: str | None, key: FingerprintKey, name: str, value: Any, updated: str | None
) -> bool:
    """Whether the parameter still holds `value` as far as its record tells: the record
    matches the value under this key, and the parameter was not written since."""
    if not record:
        return False
    try:
        data = json_input.loads(record)
        salt = bytes.fromhex(str(data["salt"]))
    except (ValueError, KeyError, TypeError):
        return False
    if not isinstance(data, dict) or data.get("scheme") != SCHEME:
        return False
    if data.get("key") != key.source or len(salt) != SALT_BYTES:
        return False
    written = data.get("written")
    if written and updated and written != updated:
        return False  # changed by hand since j1sync wrote it
    return same_secret(str(data.get("mac")), key.mac(salt, name, value))
