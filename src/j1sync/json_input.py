"""Decoding JSON a user or a server hands j1sync (a saved plan, a rule pack, a GitHub
event, an API's answer, a request to an emulator): JSON nested thousands of levels deep
makes the decoder raise RecursionError, which escaped as "internal error"; here it is a
ValueError, which every reader already reports as JSON it cannot use."""

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
