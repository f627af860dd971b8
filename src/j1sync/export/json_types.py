"""How messages about a JSON file name the type of a value they did not expect ("a rule
pack is a JSON list of rules, not an object"): one wording for every reader of JSON files
(JupiterOne's rule packs, xyOps's .xypdf packages)."""

from __future__ import annotations

from typing import Any


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
