"""The one credential scrub every client and the CLI use (engine.sensitive.redact_key)."""

from __future__ import annotations

from j1sync.engine.sensitive import MIN_BARE_SECRET_LENGTH, REDACTED, redact_key


def test_a_key_in_outgoing_text_is_redacted_everywhere() -> None:
    key = "k3y-7f3a9c1b"
    text = f"POST failed: bad key {key}; retry with {key}"
    assert redact_key(text, key) == f"POST failed: bad key {REDACTED}; retry with {REDACTED}"


def test_a_key_too_short_to_hide_leaves_the_text_readable() -> None:
    short = "abc"
    assert len(short) < MIN_BARE_SECRET_LENGTH
    text = "cannot reach https://api.us.jupiterone.io: connection refused"
    assert redact_key(text, short) == text  # not scrubbed letter by letter


def test_no_key_changes_nothing() -> None:
    assert redact_key("some text", None) == "some text"
    assert redact_key("some text", "") == "some text"
