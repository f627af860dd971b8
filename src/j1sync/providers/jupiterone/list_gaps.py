"""Fields a list answer may leave null that j1sync keys or compares on.

No reference client reads a question's `name` or a rule's `labels` and
`ignorePreviousResults` from a list query (the official client's lists and the Terraform
provider's reads never select them there; the Terraform provider reads a rule's labels
from `questionRuleInstance(id)`). Should the live lists leave them null, a question would
be keyed by its title instead of its name and a labelled rule would always differ. So an
object whose list entry lacks one of them is read on its own, and only such objects: the
single-object answer decides, never a guess from another field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger("j1sync.api")

# Single-object reads in flight at once (the client's own limits still apply).
SINGLE_READ_WORKERS = 8

ReadOne = Callable[[str], dict[str, Any] | None]


def lacking(item: dict[str, Any], fields: Sequence[str]) -> bool:
    return any(item.get(name) is None for name in fields)


def fill_list_gaps(
    kind: str, items: list[dict[str, Any]], fields: Sequence[str], read_one: ReadOne
) -> list[dict[str, Any]]:
    """`items` of a list answer, each one that lacks any of `fields` replaced by its own
    single-object answer (`read_one(id)`; None when it vanished since the list: dropped)."""
    gaps = [index for index, item in enumerate(items) if lacking(item, fields)]
    if not gaps:
        return items
    log.debug(
        "%s: %d of %d list entries lack %s; reading them one by one",
        kind,
        len(gaps),
        len(items),
        "/".join(fields),
    )
    with ThreadPoolExecutor(max_workers=min(SINGLE_READ_WORKERS, len(gaps))) as pool:
        answers = list(pool.map(lambda index: read_one(str(items[index]["id"])), gaps))
    completed: list[dict[str, Any] | None] = list(items)
    for index, answer in zip(gaps, answers, strict=True):
        completed[index] = answer
    return [item for item in completed if item is not None]
