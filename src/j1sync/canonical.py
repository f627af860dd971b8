"""Canonical JSON: the one text of a JSON-like value, by which j1sync compares, orders,
fingerprints and signs values."""

from __future__ import annotations

import hmac
import json
from typing import Any

# json.dumps with these options makes a new encoder per call; a plan writes ~3 texts per
# object (encoders keep no state between calls: one serves every thread).
_ENCODERS = {
    allow_nan: json.JSONEncoder(
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=allow_nan,
        default=str,
    )
    for allow_nan in (True, False)
}


def canonical_json(value: Any, *, allow_nan: bool = True) -> str:
    """Keys sorted, no white space, non-ASCII text as it is; a value JSON cannot hold is
    written as its str(). Equal text means equal values, types included (`1`, `1.0` and
    `true` differ, where == calls them equal). `allow_nan=False` refuses NaN and infinity
    (ValueError), as a signed plan must."""
    return _ENCODERS[allow_nan].encode(value)


def text_bytes(text: str) -> bytes:
    """The bytes a canonical JSON text (or any text j1sync hashes or signs) stands as:
    UTF-8, a lone surrogate encoded as it is rather than refused. JSON's `\\ud83d`
    escape holds one, and so may a JavaScript server's string (a title cut in the middle
    of an emoji): one text, one sequence of bytes, and never an error."""
    return text.encode("utf-8", "surrogatepass")


def same_secret(given: str, expected: str) -> bool:
    """Whether two MACs, keys or tokens are equal, in constant time and as `text_bytes`:
    a value edited by hand or sent by a client may hold any text, and
    `hmac.compare_digest` refuses a str that is not ASCII."""
    return hmac.compare_digest(text_bytes(given), text_bytes(expected))
