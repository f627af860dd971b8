"""How j1sync shows an xyOps object is its own: a marker line at the end of its `notes`.

Every configuration kind has a free-text `notes` field (data-structures-v1.0.88.md: Tag,
Category, Group, WebHook, Channel, Role, Monitor, Alert and Event alike), which xyOps keeps
as written and shows to people in the UI. Ids are chosen by users, so an id prefix would
prove nothing; a field the server drops would not survive. j1sync writes its marker as the
last line of `notes` on every object it creates or updates, and treats as managed only the
objects whose notes end with it: only those are ever deleted (docs/xyops.md).

The marker names the project's managed tag (j1sync.yaml `managedTag`, default `j1sync`):
`managed-by: j1sync`.
"""

from __future__ import annotations

from typing import Any

MARKER_PREFIX = "managed-by: "


def marker_line(managed_tag: str) -> str:
    return f"{MARKER_PREFIX}{managed_tag}"


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


def is_managed(notes: Any, managed_tag: str) -> bool:
    return split_marker(notes, managed_tag)[1]
