"""Where a character of a string value sits in its YAML file, and an excerpt with a
caret under it.

A value's text is not its source: block scalars (`|`, `>`) drop the indentation, `>` and
multi-line plain or quoted scalars fold line breaks into spaces, quoted scalars drop
quotes and escapes. So the value is aligned with its source: from where the scalar starts,
each character of the value is matched with the next equal source character (whitespace
with whitespace; anything else in the source — indentation, quotes, escapes — is passed
over). Only done for a problem to report, so its cost does not matter."""

from __future__ import annotations

import functools
from pathlib import Path

from j1sync.errors import SourceLocation
from j1sync.terminal import shown_widths

_SPACE = " \t\r\n"
# A value is never looked for further than this past its start (a value that came from
# `${env:}` is not in the file at all: its spot is then the value's start).
_MAX_SOURCE = 200_000


def _file_text(path: str) -> str | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _read(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> str | None:
    """Cached per version of the file (a file rewritten in the same process is read again)."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _offset_of(text: str, line: int, column: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset + column - 1


def _content_start(text: str, start: int) -> int:
    """Past a block scalar's header line (`|`, `>-`, `|2 # comment`) or an opening quote."""
    char = text[start] if start < len(text) else ""
    if char in "|>":
        newline = text.find("\n", start)
        return len(text) if newline < 0 else newline + 1
    if char in "'\"":
        return start + 1
    return start


def source_span(
    start: SourceLocation, value: str, begin: int, end: int
) -> tuple[SourceLocation, str] | None:
    """The file position of value[begin] (the scalar starting at `start`) and an excerpt:
    that source line with carets under value[begin:end] (as far as it stays on the line).
    None when the file cannot be read or the value is not found in it."""
    text = _file_text(start.file)
    if text is None:
        return None
    try:
        source = _content_start(text, _offset_of(text, start.line, start.column))
    except ValueError:
        return None
    if not value:
        return None
    at_end = begin >= len(value)  # "the end of the query": just past its last character
    mapped = _align(text, source, value, min(max(begin, end - 1), len(value) - 1))
    if mapped is None:
        return None
    if at_end:
        first = last = mapped[-1] + 1
    else:
        first = mapped[begin]
        last = mapped[min(max(end - 1, begin), len(mapped) - 1)]
    line_start = text.rfind("\n", 0, first) + 1
    line_end = text.find("\n", first)
    line_end = len(text) if line_end < 0 else line_end
    width = max(1, min(last, line_end - 1) - first + 1)
    line = text.count("\n", 0, first) + 1
    location = SourceLocation(start.file, line, first - line_start + 1)
    return location, _excerpt(text[line_start:line_end], first - line_start, width)


def _align(text: str, source: int, value: str, upto: int) -> list[int] | None:
    """Source offsets of value[0..upto]."""
    mapped: list[int] = []
    position, limit = source, min(len(text), source + _MAX_SOURCE)
    for char in value[: upto + 1]:
        while position < limit:
            found = text[position]
            position += 1
            if found == char or (char in _SPACE and found in _SPACE):
                mapped.append(position - 1)
                break
        else:
            return None
    return mapped


def _excerpt(line: str, column: int, width: int) -> str:
    # tabs kept as tabs so the caret lines up in a terminal; what the line is shown with
    # (terminal.visible_controls: a hidden character's escape, a workflow command defused)
    # is as wide as that
    widths = shown_widths(line)
    shown = zip(line[:column], widths[:column], strict=True)
    pad = "".join("\t" if c == "\t" else " " * w for c, w in shown)
    carets = sum(widths[column : column + width]) or width
    return f"    {line.rstrip()}\n    {pad}{'^' * carets}"
