"""A plan with nothing to change never loads deepdiff (engine/diff.py imports it only
when two states differ), and the fingerprint a plan writes with the live state's text
it already made is the one `apply --plan`'s stale check recomputes from the state."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import textwrap

from j1sync.canonical import canonical_json
from j1sync.engine.contract import LiveObject
from j1sync.engine.fingerprint import live_fingerprint

PROBE = textwrap.dedent(
    """
    import sys
    from j1sync.engine.diff import diff_states
    assert diff_states({"a": 1, "t": ["x"]}, {"t": ["x"], "a": 1}) == []
    print("deepdiff" in sys.modules)
    assert diff_states({"a": 1}, {"a": True}) == ["a"]
    print("deepdiff" in sys.modules)
    """
)


def test_deepdiff_is_loaded_only_when_states_differ() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_a_fingerprint_from_the_states_text_is_the_fingerprint_of_the_state() -> None:
    live = LiveObject("AlertRule", "r", "id-1", {"b": [1, 2.0, True, None], "a": {"é": "ü"}})
    given = live_fingerprint(live, "00ff", canonical_json(live.state))
    assert given == live_fingerprint(live, "00ff")
    # the documented text: HMAC-SHA256 of the canonical JSON of {id, state}
    text = canonical_json({"id": live.id, "state": live.state}).encode("utf-8")
    assert given == hmac.new(b"00ff", text, hashlib.sha256).hexdigest()
    assert given != live_fingerprint(live, "00fe")
    assert len(given) == 64
