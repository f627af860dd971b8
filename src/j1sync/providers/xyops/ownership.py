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

from j1sync.providers.marker import (
    MARKER_PREFIX,
    is_managed,
    marker_line,
    normalize_notes,
    split_marker,
    with_marker,
)

__all__ = [
    "MARKER_PREFIX",
    "is_managed",
    "marker_line",
    "normalize_notes",
    "split_marker",
    "with_marker",
]
