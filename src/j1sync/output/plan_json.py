"""The plan as JSON: the same document `plan --out` writes and `apply --plan` reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from j1sync.engine.model import Plan
from j1sync.terminal import visible_in_json


def render_json(plan: Plan) -> str:
    """One line (no `indent`: json's C encoder; with it, the pure-Python one). Exact JSON,
    a name's control and hidden characters (U+202E...) written as escapes, not sent."""
    return "".join(json_chunks(plan))


def json_chunks(plan: Plan) -> Iterator[str]:
    """`render_json`'s text in pieces, a list's element at a time, each encoded as it is
    asked for (a plan of 20,000 objects is 29 MB of JSON: written as it comes, it is never
    held whole). The same text as json.dumps of the whole plan: its separators, the lists'
    elements at a time, each piece shown by visible_in_json (a `##[` never spans two: they
    meet where a value ends)."""
    yield "{"
    for index, (key, value) in enumerate(plan.to_dict().items()):
        head = f"{', ' if index else ''}{_encoded(key)}: "
        if not isinstance(value, list):
            yield head + _encoded(value)
            continue
        yield head + "["
        for position, item in enumerate(value):
            yield (", " if position else "") + _encoded(item)
        yield "]"
    yield "}"


def _encoded(value: Any) -> str:
    return visible_in_json(json.dumps(value, ensure_ascii=False))
