"""What every resolver shares: the store, the account, the switches, ids and clocks."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from j1sync.emulator.store import JsonObject, Store
from j1sync.providers.jupiterone.emulator.api_errors import bad_input
from j1sync.providers.jupiterone.emulator.switches import Switches

Resolver = Callable[..., Any]

# The rules collection, which the resolvers of what rules refer to (questions, resource
# groups) read too.
RULES = "rules"


@dataclass
class Backend:
    store: Store
    account: str
    switches: Switches
    deferred: dict[str, JsonObject] = field(default_factory=dict)

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    @staticmethod
    def now_ms() -> int:
        return int(time.time() * 1000)

    def page(
        self,
        collection: str,
        cursor: str | None,
        limit: int | None,
        keep: Callable[[JsonObject], bool] = lambda _: True,
    ) -> tuple[list[JsonObject], JsonObject]:
        """One page of a collection after `cursor`, and its pageInfo (as `paginate`, but
        `keep` runs only on the rows after the cursor, up to one past the page)."""
        after = decode_cursor(cursor)
        size = self.effective_limit(limit)
        selected: list[tuple[int, JsonObject]] = []
        has_next = False
        for seq, obj in self.store.list_with_seq(collection):
            if seq <= after or not keep(obj):
                continue
            if len(selected) == size:
                has_next = True
                break
            selected.append((seq, obj))
        end_cursor = encode_cursor(selected[-1][0]) if has_next and selected else None
        return [obj for _, obj in selected], {"endCursor": end_cursor, "hasNextPage": has_next}

    def effective_limit(self, limit: int | None) -> int:
        size = max(1, self.switches.page_size)
        return size if limit is None or limit <= 0 else min(limit, size)


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": position}).encode()).decode()


def decode_cursor(cursor: str | None, service: str = "graphql") -> int:
    """The position a cursor stands after; -1 for the first page."""
    if not cursor:
        return -1
    try:
        return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"])
    except (ValueError, KeyError, TypeError) as exc:
        raise bad_input(f"Invalid cursor: {cursor}", service) from exc


def paginate(
    rows: Iterable[tuple[int, JsonObject]], cursor: str | None, limit: int
) -> tuple[list[JsonObject], JsonObject]:
    """Rows (position, object) sorted by position -> (page, pageInfo); endCursor is null
    on the last page, as the live API does."""
    after = decode_cursor(cursor)
    remaining = [(pos, obj) for pos, obj in rows if pos > after]
    page = remaining[:limit]
    has_next = len(remaining) > limit
    end_cursor = encode_cursor(page[-1][0]) if has_next and page else None
    return [obj for _, obj in page], {"endCursor": end_cursor, "hasNextPage": has_next}
