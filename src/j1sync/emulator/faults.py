"""The fault switches and request counters every emulator shares, whatever API it speaks:
latency and spikes, rate limits (a sliding window, injected 429s), injected 5xx, lost
responses (the change commits, the answer never arrives), failures aimed at one call,
actions run after a call. A "call" is what the API names: a GraphQL root field, a REST
call name.

Everything here may be changed from Python while the server runs; the servers read the
switches on every request. A system's emulator may add its own switches in a subclass.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict, TypeVar

from j1sync.canonical import canonical_json
from j1sync.per_seconds import parse_rate_limit

FailureMode = Literal["error", "5xx", "lose_response"]


@dataclass
class TargetedFailure:
    """Make writes of one call fail (optionally only those whose input contains `match`,
    and only `times` times)."""

    field: str
    match: str | None
    times: int | None
    mode: FailureMode


class FaultOptions(TypedDict, total=False):
    """The faults an emulator is started with, as every system's `running_*emulator(...)`
    and `serve(...)` (`j1sync emulator serve --latency-ms ...`) take them: FaultSwitches
    fields, but `rate_limit` as written on the command line ("N/SECONDS", or "N" a minute;
    per_seconds.parse_rate_limit) or already parsed."""

    latency_ms: int
    rate_limit: str | tuple[int, float] | None
    fail_rate: float
    rate_429: float
    lose_responses: float
    spike_rate: float
    spike_ms: int
    rng_seed: int


_Switches = TypeVar("_Switches", bound="FaultSwitches")


@dataclass
class FaultSwitches:
    latency_ms: int = 0
    rate_limit: tuple[int, float] | None = None  # (requests, window seconds)
    fail_rate: float = 0.0  # probability of an injected 5xx per request
    rate_429: float = 0.0  # probability of an injected 429 per request (nothing executed)
    spike_rate: float = 0.0  # probability that a request waits `spike_ms` more (a spike)
    spike_ms: int = 0
    fail_status: int = 503
    # a 429's Retry-After in seconds, where the server sends one (None: its own default)
    retry_after_s: int | None = None
    lose_responses: float = 0.0  # probability a write commits but its response is lost
    rng_seed: int = 0
    failures: list[TargetedFailure] = field(default_factory=list)

    @classmethod
    def from_options(cls: type[_Switches], options: FaultOptions, **own: Any) -> _Switches:
        """The switches of an emulator started with `options` (those not given: off) and
        `own`, the switches only its system has (a subclass's fields)."""
        given: dict[str, Any] = {**options, **own}
        given["rate_limit"] = parse_rate_limit(options.get("rate_limit"))
        return cls(**given)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.rng_seed)
        self._recent: deque[float] = deque()
        self._after: list[tuple[str, Callable[[], None]]] = []

    def fail_mutation(
        self,
        field: str,
        match: str | None = None,
        times: int | None = None,
        mode: FailureMode = "error",
    ) -> None:
        """Writes of call `field` whose input JSON contains `match` fail: "error" -> the
        API's own internal-error answer (nothing committed), "5xx" -> HTTP `fail_status`
        (nothing committed), "lose_response" -> committed, then the connection is closed
        without a response."""
        with self._lock:
            self.failures.append(TargetedFailure(field, match, times, mode))

    def after_field(self, field_name: str, action: Callable[[], None]) -> None:
        """Run `action` once, right after the next request holding call `field_name` has
        been answered (before the client has its response): e.g. a group deleted between
        a list and the detail reads that follow it."""
        with self._lock:
            self._after.append((field_name, action))

    def after_pending(self) -> bool:
        return bool(self._after)

    def take_after(self, root_fields: list[str]) -> list[Callable[[], None]]:
        """The `after_field` actions due for a request with these calls (once)."""
        with self._lock:
            due = [entry for entry in self._after if entry[0] in root_fields]
            for entry in due:
                self._after.remove(entry)
        return [action for _, action in due]

    def clear_failures(self) -> None:
        with self._lock:
            self.failures.clear()

    def reseed(self, seed: int) -> None:
        with self._lock:
            self._rng = random.Random(seed)

    def roll(self, probability: float) -> bool:
        """A reproducible coin flip (the RNG is seeded)."""
        if probability <= 0:
            return False
        with self._lock:
            return self._rng.random() < probability

    def over_rate_limit(self) -> bool:
        """Count this request; True when it exceeds N requests in the sliding window."""
        limit = self.rate_limit
        if limit is None:
            return False
        count, window = limit
        now = time.monotonic()
        with self._lock:
            while self._recent and now - self._recent[0] >= window:
                self._recent.popleft()
            if len(self._recent) >= count:
                return True
            self._recent.append(now)
            return False

    def take_failure(self, field_name: str, variables: Any) -> FailureMode | None:
        """The mode of the first targeted failure matching this write, consuming one of
        its `times`."""
        text = canonical_json(variables or {})
        with self._lock:
            for failure in self.failures:
                if failure.field != field_name:
                    continue
                if failure.match is not None and failure.match not in text:
                    continue
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times <= 0:
                        self.failures.remove(failure)
                return failure.mode
        return None


@dataclass
class Stats:
    """Request counters: `total` HTTP requests, `requests` per call, `operations` per
    named operation (GraphQL operationName), `statuses` per HTTP status answered (e.g.
    `statuses[429]`), `invocations` counted against quotas (where an API has them)."""

    total: int = 0
    requests: Counter[str] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    invocations: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def count_http(self) -> None:
        with self._lock:
            self.total += 1

    def count_status(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def count_invocations(self, count: int) -> None:
        with self._lock:
            self.invocations += count

    def count_operation(self, operation_name: str | None, root_fields: list[str]) -> None:
        with self._lock:
            if operation_name:
                self.operations[operation_name] += 1
            for name in root_fields:
                self.requests[name] += 1

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.requests.clear()
            self.operations.clear()
            self.statuses.clear()
            self.invocations = 0
