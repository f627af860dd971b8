"""j1sync's ownership marker in a free-text field a system keeps as written and shows to
people (xyOps's `notes`, OpenCTI's `description`): its last line, `managed-by: <tag>`,
where the tag is the project's managed tag (j1sync.yaml `managedTag`, default `j1sync`).

A system whose objects have such a field and no tags of their own proves ownership with
it: j1sync writes the line on every object it creates or updates and treats as managed
only the objects whose text ends with it. Each system's ownership module says which field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MARKER_PREFIX = "managed-by: "


def marker_line(managed_tag: str) -> str:
    return f"{MARKER_PREFIX}{managed_tag}"


def marker_mark(field: str) -> Callable[[str | None], str]:
    """The System.extras[OWNERSHIP_MARK] of a system marking its objects in `field`
    (manifest/document.py): what a managed object holds, as refusals name it (its tag
    None: j1sync.yaml's setting)."""

    def mark(tag: str | None) -> str:
        line = marker_line("<managedTag>" if tag is None else tag)
        return f"the marker line '{line}' as the last line of the {field}"

    return mark


def normalize_notes(notes: Any) -> str:
    """Notes as compared: null and "" alike, line ends as \n, no trailing whitespace."""
    return ("" if notes is None else str(notes)).replace("\r\n", "\n").rstrip()


def _without_blank_end(text: str) -> str:
    """`text` (its line ends normalized) without the blank lines ending it, those of
    spaces only too: the spaces or tabs ending its last line are kept."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def with_marker(notes: Any, managed_tag: str, *, trim: bool = True) -> str:
    """The notes a managed object carries, in the one layout j1sync writes: the
    manifest's notes, a blank line, then the marker line. The text ends at its last line
    that is not blank; with `trim` (a system that trims text on write: OpenCTI) without
    the spaces ending that line, else (xyOps keeps notes as written) with them."""
    user, marked = split_marker(notes, managed_tag)
    if trim:
        user = user.rstrip()
    elif not marked:  # split_marker compares text without the spaces ending it
        user = _without_blank_end(("" if notes is None else str(notes)).replace("\r\n", "\n"))
    line = marker_line(managed_tag)
    return f"{user}\n\n{line}" if user else line


def split_marker(notes: Any, managed_tag: str) -> tuple[str, bool]:
    """(the notes without a trailing marker line, whether they carried it). Of marked
    notes, the text is the people's own as written: the blank lines before the marker
    line are the layout, not text; the spaces or tabs ending the text's last line are
    text (a line `tab` and a tab, then the marker line: the text is `tab` and a tab)."""
    text = normalize_notes(notes)
    line = marker_line(managed_tag)
    if text == line:
        return "", True
    if text.endswith("\n" + line):
        return _without_blank_end(text[: -len(line) - 1]), True
    return text, False


def canonical_notes(notes: Any, managed_tag: str, *, trim: bool = True) -> str:
    """Live notes as compared with a manifest's (`with_marker`, the same `trim`): marked
    ones as `with_marker` writes them, so that the blank lines before the marker line, a
    line end after it or Windows line ends are no difference (export writes the text
    without them); others `normalize_notes`."""
    user, marked = split_marker(notes, managed_tag)
    return with_marker(user, managed_tag, trim=trim) if marked else normalize_notes(notes)


def is_managed(notes: Any, managed_tag: str) -> bool:
    return split_marker(notes, managed_tag)[1]
