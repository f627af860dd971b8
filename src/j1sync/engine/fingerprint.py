"""A live object's fingerprint: how `apply --plan` tells that the account moved on.

Keyed with the plan's own random salt, then, in a saved plan, keyed again with the plan's
stretched signing key (`saved_fingerprint`): a live state may hold credentials, and the
file holds the salt, so a fingerprint keyed with the salt alone would let anyone holding
the plan file test guesses of them offline. A printed plan holds neither (Plan.to_dict).
"""

from __future__ import annotations

import hashlib
import hmac
import os

from j1sync.canonical import canonical_json, text_bytes
from j1sync.engine.contract import LiveObject

SALT_BYTES = 16  # every salt j1sync makes: plan fingerprints, plan signatures, parameter records
_SAVED_CONTEXT = b"j1sync plan live fingerprint\x00"


def new_salt() -> str:
    """A fresh random salt for one plan (hex)."""
    return os.urandom(SALT_BYTES).hex()


def live_fingerprint(live: LiveObject, salt: str, state_json: str | None = None) -> str:
    """HMAC-SHA256, keyed with `salt`, of the canonical JSON of (id, normalized state,
    and the object's `revision` when it has one).

    `state_json`: canonical_json(live.state), when the caller has it already (a plan
    writes each state's canonical JSON once); the text hashed is the same either way."""
    state = canonical_json(live.state) if state_json is None else state_json
    # canonical_json({"id": ..., "revision": ..., "state": ...}) spelled out, the keys in
    # sorted order; without a revision, the text of a plan made before it existed
    revision = "" if live.revision is None else f'"revision":{canonical_json(live.revision)},'
    canonical = f'{{"id":{canonical_json(live.id)},{revision}"state":{state}}}'
    return hmac.digest(salt.encode("ascii"), text_bytes(canonical), hashlib.sha256).hex()


def saved_fingerprint(key: bytes, fingerprint: str) -> str:
    """`fingerprint` as a plan file holds it: HMAC-SHA256 keyed with `key`, the plan's
    stretched signing key, which the file does not hold."""
    return hmac.new(key, _SAVED_CONTEXT + text_bytes(fingerprint), hashlib.sha256).hexdigest()
