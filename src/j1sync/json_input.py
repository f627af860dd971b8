"""Decoding JSON a user or a server hands j1sync (a saved plan, a rule pack, a GitHub
event, an API's answer, a request to an emulator): JSON nested thousands of levels deep
makes the decoder raise RecursionError, which escaped as "internal error"; here it is a
ValueError, which every reader already reports as JSON it cannot use. And how messages
about a JSON file name the type of a value they did not expect ("a rule pack is a JSON
list of rules, not an object"): one wording for every reader of JSON files (JupiterOne's
rule packs and emulator seeds, xyOps's .xypdf packages)."""

from __future__ import annotations

import json
from typing import Any


class TooDeepJSON(ValueError):
    """JSON nested beyond what the decoder follows."""


def loads(text: str | bytes, **options: Any) -> Any:
    """json.loads (with its `options`), with nesting too deep for the decoder as a
    ValueError."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise TooDeepJSON("nested too deeply (thousands of [ or {)") from None


def no_constant(text: str) -> Any:
    """json.loads' `parse_constant` for JSON as a JavaScript server reads it (JSON.parse):
    NaN and Infinity are no JSON, a ValueError."""
    raise ValueError(f"{text} is not JSON")


def json_type(value: Any) -> str:
    """A decoded JSON value's type, with its article: "an object", "a list", "a string",
    "a boolean", "null" or "a number"."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "null" if value is None else "a number"
