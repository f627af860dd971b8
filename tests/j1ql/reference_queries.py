"""Every query example of the J1QL reference, extracted from the Markdown: fenced blocks
marked j1ql (a block may hold several queries, each starting with FIND on a line of its
own, or separated by blank lines), unmarked blocks that start with FIND, inline code that
starts with FIND, and the `"query": "..."` strings of api-docs.md's JSON examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
FILES = ("j1ql-language.md", "api-docs.md")

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_JSON_QUERY = re.compile(r'"query":\s*("(?:[^"\\\n]|\\.)*")')
_STARTS_QUERY = re.compile(r"^(find\b|\"[^\"]*\"\s*(with\b|$))", re.IGNORECASE)


def reference_queries() -> list[tuple[str, str]]:
    """(where, query) for every example: where is 'file:line'."""
    found: list[tuple[str, str]] = []
    for name in FILES:
        text = (REFERENCE / name).read_text(encoding="utf-8")
        found += _fenced(name, text) + _inline(name, text) + _json_strings(name, text)
    return found


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _fenced(name: str, text: str) -> list[tuple[str, str]]:
    found = []
    for match in _FENCE.finditer(text):
        language, body = match.group(1).strip().lower(), match.group(2)
        if language.startswith("j1") or (not language and _STARTS_QUERY.match(body.strip())):
            line = _line(text, match.start(2))
            found += [(f"{name}:{line + at}", query) for at, query in _split(body)]
    return found


def _split(body: str) -> list[tuple[int, str]]:
    """The queries of one block: a new one at each line that starts with FIND (or a
    quoted full-text search) at its first column, or after a blank line."""
    queries: list[tuple[int, list[str]]] = []
    for at, line in enumerate(body.splitlines()):
        if not line.strip():
            queries.append((at + 1, []))
            continue
        if _STARTS_QUERY.match(line) or not queries:
            queries.append((at, [line]))
        else:
            queries[-1][1].append(line)
    return [(at, "\n".join(lines)) for at, lines in queries if lines]


def _inline(name: str, text: str) -> list[tuple[str, str]]:
    outside = _FENCE.sub(lambda m: " " * len(m.group(0)), text)
    return [
        (f"{name}:{_line(text, m.start())}", m.group(1))
        for m in _INLINE.finditer(outside)
        if re.match(r"find\s", m.group(1), re.IGNORECASE)
    ]


def _json_strings(name: str, text: str) -> list[tuple[str, str]]:
    found = []
    for match in _JSON_QUERY.finditer(text):
        value = json.loads(match.group(1))
        if re.match(r"find\s", value, re.IGNORECASE):
            found.append((f"{name}:{_line(text, match.start())}", value))
    return found
