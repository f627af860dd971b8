"""The GraphQL rate limits as JupiterOne documents them (reference/jupiterone/
rate-limiting.md): a bucket per account and one per API token, each allowing `count`
invocations per `window_s` seconds and emptying at count/window_s a second; every root
field of a request, aliases included, is one invocation. J1QL queries have a bucket of
their own per account (reference/jupiterone/rate-limiting-j1ql.md: 120 per 120 s by
default), each `queryV1` field one token; they count in the GraphQL buckets too (unknown
live: docs/api-fidelity.md). A request that does not fit every bucket it uses is dropped
whole (HTTP 429) and not counted; one refused by the J1QL bucket alone says when it will
fit in `Retry-After` (its headers are not documented).

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
# rate-limiting-j1ql.md, "Account Rate Limit for J1QL Queries" (the default)
DOCUMENTED_J1QL = Quota(120, 120.0)


LimitHeader = Literal["documented", "recorded"]


@dataclass(frozen=True)
class Quotas:
    account: Quota = DOCUMENTED_ACCOUNT
    token: Quota = DOCUMENTED_TOKEN
    limit_header: LimitHeader = "documented"
    j1ql: Quota = DOCUMENTED_J1QL

    @classmethod
    def parse(
        cls, text: str, scale: float = 1.0, limit_header: LimitHeader = "documented"
    ) -> Quotas:
        """ "documented", or "ACCOUNT_N/S,TOKEN_N/S[,J1QL_N/S]" (e.g. "2000/120,1000/60";
        the J1QL bucket the documented one when not given); `scale` divides every count
        and window alike: the same average rate, bursts `scale` times smaller (for tests
        that must exhaust a bucket quickly)."""
        if text.strip() == "documented":
            quotas = cls(limit_header=limit_header)
        else:
            parts = text.split(",")
            if len(parts) not in (2, 3):
                raise ValueError(
                    "quotas look like 'documented' or ACCOUNT_N/S,TOKEN_N/S[,J1QL_N/S], "
                    f"got {text!r}"
                )
            j1ql = Quota.parse(parts[2]) if len(parts) == 3 else DOCUMENTED_J1QL
            quotas = cls(Quota.parse(parts[0]), Quota.parse(parts[1]), limit_header, j1ql)
        if scale == 1.0:
            return quotas
        if not scale >= 1.0:
            raise ValueError(f"a quota scale divides the quotas: >= 1, got {scale:g}")
        return cls(
            _scaled(quotas.account, scale),
            _scaled(quotas.token, scale),
            limit_header,
            _scaled(quotas.j1ql, scale),
        )


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

    def fits(self, tokens: float) -> bool:
        return self.counted + tokens <= self.quota.count

    def seconds_until_fits(self, tokens: float) -> float:
        return max(0.0, (self.counted + tokens - self.quota.count) / self.quota.rate)


@dataclass(frozen=True)
class Charge:
    allowed: bool
    headers: dict[str, str]


@dataclass
class QuotaBuckets:
    """The buckets of one account: its own, one per API token, and its J1QL bucket."""

    quotas: Quotas
    clock: Callable[[], float] = time.monotonic
    _account: _Bucket = field(init=False)
    _j1ql: _Bucket = field(init=False)
    _tokens: dict[str, _Bucket] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._account = _Bucket(self.quotas.account, updated=self.clock())
        self._j1ql = _Bucket(self.quotas.j1ql, updated=self.clock())

    def charge(self, token: str, invocations: int, j1ql: int = 0) -> Charge:
        """Count a request of `invocations` root fields, `j1ql` of them J1QL queries."""
        with self._lock:
            now = self.clock()
            bucket = self._tokens.setdefault(token, _Bucket(self.quotas.token, updated=now))
            buckets = (bucket, self._account)  # token first, as the doc's examples list them
            for each in (*buckets, self._j1ql):
                each.drain(now)
            queries_fit = j1ql == 0 or self._j1ql.fits(j1ql)
            allowed = queries_fit and all(b.fits(invocations) for b in buckets)
            if allowed:
                for each in buckets:
                    each.counted += invocations
                self._j1ql.counted += j1ql
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
            if not queries_fit:
                wait = self._j1ql.seconds_until_fits(j1ql)
                headers["Retry-After"] = str(max(1, math.ceil(wait - 1e-9)))
        return Charge(allowed, headers)


# the root field that runs a J1QL query (one token of the J1QL bucket each)
J1QL_FIELD = "queryV1"


def invocations(payload: Any) -> tuple[int, int]:
    """How many invocations a request counts, and how many of them are J1QL queries: the
    root fields of the operation each item runs (aliases included, fragments spread at
    the root expanded; `__typename` is no invocation). A batch counts all its items;
    what does not parse counts one invocation and no query."""
    items = payload if isinstance(payload, list) else [payload]
    total = queries = 0
    for item in items:
        query = item.get("query") if isinstance(item, dict) else None
        name = item.get("operationName") if isinstance(item, dict) else None
        try:
            fields, j1ql = _root_fields(query, name if isinstance(name, str) else None)
        except (GraphQLError, TypeError):
            fields, j1ql = 1, 0
        total += fields
        queries += j1ql
    return max(1, total), queries


@functools.lru_cache(maxsize=512)
def _root_fields(query: Any, operation_name: str | None) -> tuple[int, int]:
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
        return 1, 0
    fragments = {
        d.name.value: d.selection_set
        for d in document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    names = _root_names(chosen[0].selection_set, fragments, set())
    return max(1, len(names)), names.count(J1QL_FIELD)


def _root_names(
    selections: SelectionSetNode, fragments: dict[str, SelectionSetNode], seen: set[str]
) -> list[str]:
    """The root fields' names, one per field (an alias counts again)."""
    names: list[str] = []
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names += _root_names(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                names += _root_names(fragments[name], fragments, seen | {name})
    return names
