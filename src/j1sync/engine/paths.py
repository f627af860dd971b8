"""Field paths inside a normalized state: `queries[0].query`, `labels.env`, `tags`.

One spelling shared by the diff, the plan's sensitive map, the executor (which writes a
re-resolved secret back at its path) and the renderers (which read before/after values).
Keys that are not plain identifiers are written JSON-quoted in brackets: `labels["a b"]`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

PathPart = str | int

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_TOKEN = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_\-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def format_path(parts: Sequence[PathPart]) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.fullmatch(part):
            out.append(f".{part}" if out else part)
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


def parse_path(path: str) -> list[PathPart]:
    parts: list[PathPart] = []
    pos = 0
    while pos < len(path):
        match = _TOKEN.match(path, pos)
        if match is None or (match.group(0).startswith(".") and not parts):
            raise ValueError(f"not a field path: {path!r}")
        key, index, quoted = match.groups()
        if key is not None:
            parts.append(key)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(json.loads(quoted))
        pos = match.end()
    return parts


_MISSING = object()


def get_path(state: Any, path: str, default: Any = None) -> Any:
    """The value at `path`, or `default` when any step is absent."""
    node: Any = state
    for part in parse_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
        elif not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def has_path(state: Any, path: str) -> bool:
    return get_path(state, path, _MISSING) is not _MISSING


def set_path(state: Any, path: str, value: Any) -> None:
    """Replace the value at an existing `path` in place."""
    parts = parse_path(path)
    if not parts:
        raise ValueError("cannot replace the whole state")
    node: Any = state
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value


def texts_holding(state: Any, mark: str) -> list[str]:
    """The strings anywhere in the JSON-shaped `state` (dicts, lists, scalars) that hold
    `mark`. A loop, not a call per node: it runs on live objects as they are read
    (`${env:` and `{{param.` tests of every question and rule of an account)."""
    found: list[str] = []
    stack = [state]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if mark in item:
                found.append(item)
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return found
