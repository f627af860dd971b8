"""The colour OpenCTI gives a label created without one: `labelAdd` stores
`label.color ? label.color : stringToColour(normalizeName(label.value))` (opencti-graphql
domain/label.js), so a label always has a colour, derived from its folded value.

stringToColour hashes the string's UTF-16 code units (`charCodeAt`: an emoji is two) with
JavaScript numbers: each step takes the code unit plus `(hash << 5) - hash`, where the
shift reads the hash as a 32-bit integer (ToInt32) and the subtraction and the sum are
made on doubles, so the hash leaves 32 bits and is read as one only at the end. The
colour is the low three bytes of that 32-bit integer, lowest byte first, as two
lowercase hex digits each.
"""

from __future__ import annotations

import math

from j1sync.providers.opencti.keys import normalize_name

_TWO_32 = 1 << 32


def _to_int32(number: float) -> int:
    """JavaScript's ToInt32: the number truncated, modulo 2**32, as a signed integer."""
    if not math.isfinite(number):
        return 0
    wrapped = int(number) % _TWO_32
    return wrapped - _TWO_32 if wrapped >= 1 << 31 else wrapped


def string_to_colour(text: str) -> str:
    """OpenCTI's stringToColour of `text`."""
    # JavaScript's charCodeAt: UTF-16 code units, a lone surrogate (half of an emoji's
    # pair, which a JavaScript string may hold) one of them as it is
    units = text.encode("utf-16-le", "surrogatepass")
    hashed = 0.0  # a JavaScript number (a double), as the loop keeps it
    for at in range(0, len(units), 2):
        code = units[at] | units[at + 1] << 8
        shifted = _to_int32(_to_int32(hashed) << 5)  # `hash << 5`: 32-bit, wrapped
        hashed = code + (shifted - hashed)
    final = _to_int32(hashed)
    return "#" + "".join(f"{(final >> (8 * i)) & 0xFF:02x}" for i in range(3))


def label_colour(value: str) -> str:
    """The colour `labelAdd` gives a label of `value` created without one."""
    return string_to_colour(normalize_name(value))
