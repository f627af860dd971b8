"""The one credential scrub every client and the CLI use (engine.sensitive.redact_key)."""

from __future__ import annotations

import json

from j1sync.engine.sensitive import (
    MASK,
    MIN_BARE_SECRET_LENGTH,
    REDACTED,
    forget_secrets,
    redact_key,
    redact_secrets,
    remember_secrets,
)


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


def test_a_key_quoted_with_json_escapes_is_redacted() -> None:
    """An API's error may echo the request's JSON: a key holding a quote, a backslash or
    a letter past ASCII is then written with JSON's escapes, and was shown so."""
    key = 'k3y"7f\\3a9c-é'
    echoed = json.dumps({"message": f"bad token {key}"})  # as an error body holds it
    assert key not in echoed
    assert redact_key(echoed, key) == json.dumps({"message": f"bad token {REDACTED}"})
    ascii_only = json.dumps({"message": f"bad token {key}"}, ensure_ascii=True)
    assert REDACTED in redact_key(ascii_only, key)


def test_a_remembered_secret_quoted_with_json_escapes_is_masked() -> None:
    secret = 'pa"ss\\word-ü-1234'
    forget_secrets()
    try:
        remember_secrets([secret])
        for text in (secret, json.dumps(secret), json.dumps(secret, ensure_ascii=False)):
            shown = redact_secrets(f"refused: {text}")
            assert "word" not in shown, shown
            assert MASK in shown
    finally:
        forget_secrets()
