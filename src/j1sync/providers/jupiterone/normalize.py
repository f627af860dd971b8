"""Small normalizers shared by the kinds: one comparable shape for live and desired values.

docs/architecture.md §4: null and [] alike, sets sorted, `\\r` stripped from queries,
empty strings and null alike for free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from j1sync.canonical import canonical_json
from j1sync.providers.node_json import js_numbers


def text(value: Any) -> str:
    """Free text where null and "" mean the same (descriptions, remediation steps)."""
    return "" if value is None else str(value)


def query_text(value: Any) -> str:
    """J1QL as typed in an editor on any OS: `\\r\\n` and `\\r` compare as `\\n`."""
    return text(value).replace("\r\n", "\n").replace("\r", "\n")


def sorted_set(values: Iterable[Any] | None) -> list[Any]:
    """A list compared as a set (tags, permissions, emails)."""
    return sorted({v for v in values or [] if v is not None}, key=str)


def tags_with(values: Iterable[str] | None, managed_tag: str) -> list[str]:
    return sorted_set([*(values or []), managed_tag])


def sorted_maps(values: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """A list of maps compared as a set (query policies): ordered by canonical JSON, with
    numbers as JupiterOne answers them (node_json.js_numbers: a manifest's `5.0` is a live
    `5`). An element that is no map (the API takes any JSON; set by hand) is compared as
    it is."""
    unique = {
        canonical_json(v): v
        for v in (js_numbers(dict(v) if isinstance(v, Mapping) else v) for v in values or [])
        if v is not None
    }
    return [unique[key] for key in sorted(unique)]


def without_key(value: Mapping[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != key}
