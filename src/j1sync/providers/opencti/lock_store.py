"""The apply lock's place in OpenCTI: hidden vocabulary entries j1sync keeps for itself.

OpenCTI has no key-value store an API user can write (no buckets, no parameters), and
every object type people work with is shown in the UI, in lists and in pickers. An open
vocabulary entry is the least visible place that takes a free text and that every machine
reaching the platform sees alike: one entry per named value in the `collection_layers_ov`
category (the vocabulary of Data Components' collection layers, rarely used), named
`j1sync-state:<name>`, hidden (`is_hidden: true`: left out of the pickers) and holding
the value in its `description`. It needs the token's user to hold
SETTINGS_SETVOCABULARIES, as managing vocabularies does (docs/opencti.md, "Connecting").

The Vocabulary kind never lists these entries, and no manifest may name one
(kinds_data.py), in any case or spacing OpenCTI takes for the same name
(`is_lock_name`). A delete removes the entry. A write or delete whose answer was lost is
checked by reading the entry again (a lost answer must not keep a released lock held).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from j1sync.engine.lock import settle_time
from j1sync.errors import ApiError, NotFound, TransientError
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.keys import normalize_name

LOCK_CATEGORY = "collection_layers_ov"
LOCK_PREFIX = "j1sync-state:"
# How long after a write every reader is sure to see it: OpenCTI answers a mutation once
# its Elasticsearch write is refreshed; a remote platform's round trip is the margin.
SETTLE_S = 2.0

_FIND = """
query J1syncState($category: VocabularyCategory, $filters: FilterGroup) {
  vocabularies(category: $category, first: 10, filters: $filters) {
    edges { node { id name description } }
  }
}
"""
_ADD = """
mutation J1syncStateAdd($input: VocabularyAddInput!) {
  vocabularyAdd(input: $input) { id }
}
"""
_PATCH = """
mutation J1syncStatePatch($id: ID!, $input: [EditInput!]!) {
  vocabularyFieldPatch(id: $id, input: $input) { id }
}
"""
_DELETE = """
mutation J1syncStateDelete($id: ID!) {
  vocabularyDelete(id: $id)
}
"""


def is_lock_name(name: str) -> bool:
    """Whether OpenCTI takes a vocabulary entry named `name` for one of j1sync's state
    values: it compares names lowercased and trimmed (keys.py), so `J1SYNC-State:apply`
    is the lock's entry to it (an add of one upserts into the other)."""
    return normalize_name(name).startswith(LOCK_PREFIX)


def is_lock_entry(raw: Mapping[str, Any]) -> bool:
    """Whether a vocabulary entry is one of j1sync's state values."""
    return raw.get("category") in (LOCK_CATEGORY, None) and is_lock_name(str(raw.get("name") or ""))


class VocabularyStore:
    """Named string values in hidden vocabulary entries (implements
    `engine.contract.LockStore`)."""

    def __init__(self, client: OpenCtiClient) -> None:
        self._client = client
        self.settle_s = settle_time(client.settings.base_url, SETTLE_S)

    def last_requests(self) -> None:
        """After an interrupt: the lock's release is sent, each request once (lock.py)."""
        self._client.last_requests()

    def _entry(self, name: str) -> dict[str, Any] | None:
        wanted = f"{LOCK_PREFIX}{name}"
        filters = {
            "mode": "and",
            "filters": [{"key": ["name"], "values": [wanted], "operator": "eq", "mode": "or"}],
            "filterGroups": [],
        }
        data = self._client.query(
            "vocabularies (j1sync state)", _FIND, {"category": LOCK_CATEGORY, "filters": filters}
        )
        found = data.get("vocabularies")
        edges = found.get("edges") if isinstance(found, Mapping) else None
        if not isinstance(edges, list):
            raise ApiError(
                "OpenCTI API (vocabularies (j1sync state)): the answer has no list of "
                f"vocabularies: {self._client.settings.not_the_server()}"
            )
        for edge in edges:
            node = edge.get("node") if isinstance(edge, Mapping) else None
            if isinstance(node, Mapping) and _same_name(node.get("name"), wanted):
                return dict(node)
        return None

    def read(self, name: str) -> str | None:
        entry = self._entry(name)
        if entry is None:
            return None
        value = entry.get("description")
        return value if isinstance(value, str) and value else None

    def write(self, name: str, value: str) -> None:
        try:
            self._write(name, value)
        except TransientError:
            # the answer was lost: the write may have happened; what the store holds says
            if self.read(name) != value:
                raise

    def _write(self, name: str, value: str) -> None:
        entry = self._entry(name)
        if entry is not None:
            edits = [{"key": "description", "value": [value], "operation": "replace"}]
            self._client.mutate(
                "vocabularyFieldPatch (j1sync state)", _PATCH, {"id": entry["id"], "input": edits}
            )
            return
        body = {
            "name": f"{LOCK_PREFIX}{name}",
            "category": LOCK_CATEGORY,
            "description": value,
            "update": True,  # another writer's entry meanwhile: take it over
        }
        data = self._client.mutate("vocabularyAdd (j1sync state)", _ADD, {"input": body})
        created = data.get("vocabularyAdd")
        if not isinstance(created, Mapping) or not isinstance(created.get("id"), str):
            raise ApiError(
                "OpenCTI API (vocabularyAdd (j1sync state)): no object in the answer: "
                + self._client.settings.not_the_server()
            )
        hide = [{"key": "is_hidden", "value": [True], "operation": "replace"}]
        self._client.mutate(
            "vocabularyFieldPatch (j1sync state)", _PATCH, {"id": created["id"], "input": hide}
        )

    def delete(self, name: str) -> None:
        entry = self._entry(name)
        if entry is None:
            return
        try:
            self._client.mutate("vocabularyDelete (j1sync state)", _DELETE, {"id": entry["id"]})
        except NotFound:
            return
        except TransientError:
            # the answer was lost: the delete may have happened; what the store holds says
            if self._entry(name) is not None:
                raise


def _same_name(held: Any, wanted: str) -> bool:
    """The entry OpenCTI takes for `wanted` (keys.py): the one an add would upsert into."""
    return isinstance(held, str) and normalize_name(held) == normalize_name(wanted)
