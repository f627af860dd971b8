"""JSON numbers as a Node.js server answers them back once it has read them.

JupiterOne's services and xyOps are Node.js servers: every JSON number they read becomes a
JavaScript double, and `JSON.stringify` writes it back in JavaScript's shortest form. So
a manifest's `1.0` is answered `1`, `1e3` is `1000`, an integer beyond 2**53 comes back
as the nearest double's digits (12345678901234567890 as 12345678901234567000), and a
number beyond any double (`1e400`, Infinity) as null. A provider compares both sides
through `js_numbers`, so that what a manifest says and what the server keeps compare
alike; each emulator reads request JSON through `parse_int`/`parse_float`.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

JS_SAFE_INTEGER = 2**53 - 1  # Number.MAX_SAFE_INTEGER
JS_EXPONENT_FROM = 1e21  # a whole number from here up is written with an exponent (1e+21)


def js_integer(value: int) -> int | None:
    """The integer a JSON `value` is once the server has read it and answers it back:
    itself within 2**53, else the nearest double's shortest digits; None beyond any
    double (JavaScript's Infinity, which JSON answers as null)."""
    if -JS_SAFE_INTEGER <= value <= JS_SAFE_INTEGER:
        return value
    try:
        return int(Decimal(repr(float(value))))  # repr: the shortest round-trip digits
    except OverflowError:
        return None


def js_number(value: float) -> float | None:
    """A JSON number as the server answers it back: an integer as js_integer says; a
    double with no fraction as an integer (1.0 as 1) below 1e21; beyond any double, None."""
    if isinstance(value, int):
        return js_integer(value)
    if not math.isfinite(value):
        return None
    if value.is_integer() and abs(value) < JS_EXPONENT_FROM:
        return js_integer(int(value))
    return value


def js_numbers(value: Any) -> Any:
    """`value` (decoded JSON or YAML: a manifest's spec, an answer) with every number as
    js_number answers it. A dict or list whose numbers all stay as they are is returned
    itself, not copied (a plan builds thousands of specs)."""
    kind = type(value)
    if kind is float or (kind is int and not -JS_SAFE_INTEGER <= value <= JS_SAFE_INTEGER):
        return js_number(value)
    if kind is dict:
        items: Any = value.items()
    elif kind is list:
        items = enumerate(value)
    else:
        return value  # text, a bool, null, an integer kept as it is
    changed: Any = None
    for key, item in items:
        held = type(item)
        if held in _KEPT or (held is int and -JS_SAFE_INTEGER <= item <= JS_SAFE_INTEGER):
            continue
        new = js_numbers(item)
        if new is not item:
            if changed is None:
                changed = dict(value) if kind is dict else list(value)
            changed[key] = new
    return value if changed is None else changed


_KEPT = frozenset({str, bool, type(None)})


def parse_int(text: str) -> int | None:
    """json.loads's `parse_int`: a JSON integer as the server holds it."""
    return js_integer(int(text))


def parse_float(text: str) -> float | None:
    """json.loads's `parse_float`: a JSON number with a fraction or an exponent as the
    server holds it."""
    return js_number(float(text))
