"""How j1sync names the fields of a live object that no manifest of its kind holds
(another tool's, a later API's, or ones j1sync cannot write): one wording for every
system's export and plan, never a silent drop."""

from __future__ import annotations

from collections.abc import Sequence


def unmanaged_note(label: str, fields: Sequence[str]) -> str:
    """The warning naming `fields` of the object `label` says."""
    return f"{label}: not managed by j1sync, left out: {', '.join(fields)}"
