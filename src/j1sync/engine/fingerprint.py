"""A live object's fingerprint: how `apply --plan` tells that the account moved on."""

from __future__ import annotations

import hashlib
import json

from j1sync.engine.contract import LiveObject


def live_fingerprint(live: LiveObject) -> str:
    """sha256 of the canonical JSON of (id, normalized state)."""
    canonical = json.dumps(
        {"id": live.id, "state": live.state},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
