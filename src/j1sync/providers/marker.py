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


def with_marker(notes: Any, managed_tag: str) -> str:
    """The notes a managed object carries: the manifest's notes, then the marker line."""
    user, _ = split_marker(notes, managed_tag)
    line = marker_line(managed_tag)
    return f"{user}\n\n{line}" if user else line


def split_marker(notes: Any, managed_tag: str) -> tuple[str, bool]:
    """(the notes without a trailing marker line, whether they carried it)."""
    text = normalize_notes(notes)
    line = marker_line(managed_tag)
    if text == line:
        return "", True
    if text.endswith("\n" + line):
        return text[: -len(line)].rstrip(), True
    return text, False


def canonical_notes(notes: Any, managed_tag: str) -> str:
    """Live notes as compared with a manifest's (`with_marker`): marked ones as
    `with_marker` writes them, so that the blank lines and spaces before the marker line
    are no difference (export writes the text without them); others `normalize_notes`."""
    user, marked = split_marker(notes, managed_tag)
    return with_marker(user, managed_tag) if marked else normalize_notes(notes)


def is_managed(notes: Any, managed_tag: str) -> bool:
    return split_marker(notes, managed_tag)[1]
