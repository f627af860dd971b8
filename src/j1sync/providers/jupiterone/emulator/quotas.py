"""The GraphQL rate limits as JupiterOne documents them (reference/jupiterone/
rate-limiting.md): a bucket per account and one per API token, each allowing `count`
invocations per `window_s` seconds and emptying at count/window_s a second; every root
field of a request, aliases included, is one invocation. A request that does not fit every
bucket is dropped whole (HTTP 429) and not counted.

Every answer carries the documented headers, computed as the doc's worked examples do:
RateLimit-Requested (the request's invocations), RateLimit-Remaining (the bucket with the
fewest left), RateLimit-Limit (that bucket's quota, then each bucket as `N;window=S`,
token first) and RateLimit-Reset (seconds until every bucket is empty, rounded up). With
`limit_header="recorded"` RateLimit-Limit is the quota alone, as the live exchanges in
reference/jupiterone/recordings show it (`RateLimit-Limit: 1000`).
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from j1sync.per_seconds import parse_per_seconds


@dataclass(frozen=True)
class Quota:
    """`count` invocations per `window_s` seconds."""

    count: int
    window_s: float

    @property
    def rate(self) -> float:
        return self.count / self.window_s

    @classmethod
    def parse(cls, text: str) -> Quota:
        parsed = parse_per_seconds(text)
        if parsed is None:
            raise ValueError(f"a quota looks like N/SECONDS (N >= 1, SECONDS > 0), got {text!r}")
        return cls(*parsed)

    def __str__(self) -> str:
        return f"{self.count}/{self.window_s:g}"


# rate-limiting.md, "Account Rate Limit" and "Client Rate Limit" (the defaults).
DOCUMENTED_ACCOUNT = Quota(2000, 120.0)
DOCUMENTED_TOKEN = Quota(1000, 60.0)


LimitHeader = Literal["documented", "recorded"]


@dataclass(frozen=True)
class Quotas:
    account: Quota = DOCUMENTED_ACCOUNT
    token: Quota = DOCUMENTED_TOKEN
    limit_header: LimitHeader = "documented"

    @classmethod
    def parse(
        cls, text: str, scale: float = 1.0, limit_header: LimitHeader = "documented"
    ) -> Quotas:
        """ "documented", or "ACCOUNT_N/S,TOKEN_N/S" (e.g. "2000/120,1000/60"); `scale`
        divides every count and window alike: the same average rate, bursts `scale`
        times smaller (for tests that must exhaust a bucket quickly)."""
        if text.strip() == "documented":
            quotas = cls(limit_header=limit_header)
        else:
            account, sep, token = text.partition(",")
            if not sep:
                raise ValueError(
                    f"quotas look like 'documented' or ACCOUNT_N/S,TOKEN_N/S, got {text!r}"
                )
            quotas = cls(Quota.parse(account), Quota.parse(token), limit_header)
        if scale == 1.0:
            return quotas
        if not scale >= 1.0:
            raise ValueError(f"a quota scale divides the quotas: >= 1, got {scale:g}")
        return cls(_scaled(quotas.account, scale), _scaled(quotas.token, scale), limit_header)


def _scaled(quota: Quota, scale: float) -> Quota:
    count = max(1, round(quota.count / scale))
    return Quota(count, quota.window_s * count / quota.count)


@dataclass
class _Bucket:
    quota: Quota
    counted: float = 0.0
    updated: float = 0.0

    def drain(self, now: float) -> None:
        self.counted = max(0.0, self.counted - (now - self.updated) * self.quota.rate)
        self.updated = now

    @property
    def remaining(self) -> int:
        return max(0, math.floor(self.quota.count - self.counted + 1e-9))

    def seconds_to_empty(self) -> float:
        return self.counted / self.quota.rate


@dataclass(frozen=True)
class Charge:
    allowed: bool
    headers: dict[str, str]


@dataclass
class QuotaBuckets:
    """The buckets of one account: its own and one per API token."""

    quotas: Quotas
    clock: Callable[[], float] = time.monotonic
    _account: _Bucket = field(init=False)
    _tokens: dict[str, _Bucket] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._account = _Bucket(self.quotas.account, updated=self.clock())

    def charge(self, token: str, invocations: int) -> Charge:
        with self._lock:
            now = self.clock()
            bucket = self._tokens.setdefault(token, _Bucket(self.quotas.token, updated=now))
            buckets = (bucket, self._account)  # token first, as the doc's examples list them
            for each in buckets:
                each.drain(now)
            allowed = all(b.counted + invocations <= b.quota.count for b in buckets)
            if allowed:
                for each in buckets:
                    each.counted += invocations
            limiting = min(buckets, key=lambda b: b.remaining)
            windows = "".join(f", {b.quota.count};window={b.quota.window_s:g}" for b in buckets)
            if self.quotas.limit_header == "recorded":
                windows = ""
            reset = math.ceil(max(b.seconds_to_empty() for b in buckets) - 1e-9)
            headers = {
                "RateLimit-Limit": f"{limiting.quota.count}{windows}",
                "RateLimit-Remaining": str(limiting.remaining),
                "RateLimit-Reset": str(max(0, reset)),
                "RateLimit-Requested": str(invocations),
            }
        return Charge(allowed, headers)


def invocations(payload: Any) -> int:
    """How many invocations a request counts: the root fields of the operation each item
    runs (aliases included, fragments spread at the root expanded; `__typename` is no
    invocation). A batch counts all its items; what does not parse counts one."""
    items = payload if isinstance(payload, list) else [payload]
    total = 0
    for item in items:
        query = item.get("query") if isinstance(item, dict) else None
        name = item.get("operationName") if isinstance(item, dict) else None
        try:
            total += _root_fields(query, name if isinstance(name, str) else None)
        except (GraphQLError, TypeError):
            total += 1
    return max(1, total)


@functools.lru_cache(maxsize=512)
def _root_fields(query: Any, operation_name: str | None) -> int:
    if not isinstance(query, str):
        raise TypeError("no query")
    document: DocumentNode = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        o
        for o in operations
        if operation_name is None or (o.name and o.name.value == operation_name)
    ]
    if len(chosen) != 1:
        return 1
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    return max(1, _count(chosen[0].selection_set, fragments, set()))


def _count(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], seen: set[str]
) -> int:
    total = 0
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            total += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            total += _count(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                total += _count(fragments[name], fragments, seen | {name})
    return total
