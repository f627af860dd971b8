"""How hard one client may push the API: a token bucket and an adaptive in-flight limit.

Both are shared by every thread of one API client (a system's kinds are read concurrently
through one instance), so the limits hold for the client as a whole. No system is named
here: every system's client uses them.

- `TokenBucket` is the optional client-side rate limit (`--rate-limit N/SECONDS`,
  `J1SYNC_RATE_LIMIT`): on average at most N requests per SECONDS, bursts of at most N.
- `AdaptiveConcurrency` is always on: additive increase, multiplicative decrease (AIMD),
  as TCP does with its congestion window. A 429 halves the number of requests allowed in
  flight; each success adds 1/limit, so the limit grows by about one per round of
  successful requests and recovers slowly after the server pushed back.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from j1sync.errors import ConfigError
from j1sync.http.retry import ENV_RATE_LIMIT, WAIT_NOTICE_S
from j1sync.per_seconds import parse_per_seconds

Clock = Callable[[], float]
Sleep = Callable[[float], None]


_PACE = threading.local()


@contextmanager
def unpaced() -> Iterator[None]:
    """Requests this thread sends in the block skip the client-side rate limit: the
    apply lock's renewals (two requests every quarter of its lease), which must land
    before the lease ends whatever pace --rate-limit sets for the run's reads and changes
    (in line behind them, at 1/10 they waited over 90 s and the lease ran out)."""
    _PACE.skipped = True
    try:
        yield
    finally:
        _PACE.skipped = False


def is_unpaced() -> bool:
    return bool(getattr(_PACE, "skipped", False))


@dataclass(frozen=True)
class RateLimit:
    """At most `count` requests per `per_s` seconds."""

    count: int
    per_s: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """ "N/SECONDS", e.g. "10/1" or "600/60"."""
        parsed = parse_per_seconds(text)
        if parsed is None:
            raise ConfigError(
                f"Invalid rate limit {text!r}: expected N/SECONDS with N >= 1 and "
                "SECONDS > 0, e.g. 10/1 for ten requests a second."
            )
        return cls(*parsed)

    def __str__(self) -> str:
        return f"{self.count}/{self.per_s:g}"


class TokenBucket:
    """Reserve-then-sleep token bucket: `acquire()` takes a token, waiting (outside the
    lock) until the bucket would have refilled it. Waiters are served in arrival order."""

    def __init__(
        self, limit: RateLimit, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        self.limit = limit
        self._rate = limit.count / limit.per_s  # tokens per second
        self._capacity = float(limit.count)
        self._tokens = self._capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def acquire(
        self,
        stop: threading.Event | None = None,
        announce: Callable[[float], None] | None = None,
    ) -> float:
        """Take one token; return how long the caller waited for it. The wait ends early
        once `stop` is set (an abandoned read, an interrupted apply: a thread asleep here
        kept the process from ending, for minutes under --rate-limit 1/30), and
        `announce` is told of a wait of WAIT_NOTICE_S or more before it begins."""
        with self._lock:
            now = self._clock()
            elapsed = now - self._updated
            self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
            self._updated = now
            self._tokens -= 1.0  # may go negative: a reservation for a later slot
            wait = -self._tokens / self._rate if self._tokens < 0 else 0.0
        if wait > 0:
            if announce is not None and wait >= WAIT_NOTICE_S:
                announce(wait)
            if stop is None:
                self._sleep(wait)
            else:
                stop.wait(min(wait, threading.TIMEOUT_MAX))
        return wait


def client_bucket(rate_limit: RateLimit | str | None) -> TokenBucket | None:
    """The client-side rate limit asked for (a RateLimit or "N/SECONDS"), else the one in
    J1SYNC_RATE_LIMIT, else none."""
    if rate_limit is None:
        rate_limit = os.environ.get(ENV_RATE_LIMIT) or None
    if isinstance(rate_limit, str):
        rate_limit = RateLimit.parse(rate_limit)
    return TokenBucket(rate_limit) if rate_limit is not None else None


class Slot:
    """One in-flight slot held (`AdaptiveConcurrency.slot`)."""

    __slots__ = ("_gate", "generation", "kept", "limited")

    def __init__(self, gate: AdaptiveConcurrency, generation: int) -> None:
        self._gate = gate
        self.generation = generation
        self.kept = False
        self.limited = False

    def __call__(self) -> None:
        """The request was rate limited."""
        self.limited = True

    def keep(self) -> Callable[[], None]:
        """Hold the slot past its `with` block (left with an exception: neither a success
        nor a 429); the callable returned gives it back."""
        self.kept = True
        return functools.partial(self._gate._give_back, self, False)


class AdaptiveConcurrency:
    """An AIMD limit on requests in flight, between `minimum` and `maximum`.

    Only one halving per round: a request that started before the last decrease does not
    halve again when its own 429 arrives (a burst of 429s is one congestion signal).
    """

    def __init__(self, maximum: int, minimum: int = 1) -> None:
        if not 1 <= minimum <= maximum:
            raise ValueError("need 1 <= minimum <= maximum")
        self.maximum = maximum
        self.minimum = minimum
        self._limit = float(maximum)
        self._in_flight = 0
        self._generation = 0
        self._condition = threading.Condition()
        self.decreases = 0  # how often a 429 halved the limit (for tests and benchmarks)

    @property
    def limit(self) -> int:
        return int(self._limit)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @contextmanager
    def slot(self) -> Iterator[Slot]:
        """Hold one in-flight slot for the `with` block. Calling the yielded `Slot` reports
        that the request was rate limited; leaving the block normally counts as a success,
        leaving it with an exception counts as neither. `Slot.keep()` holds it past the
        block, until the callable it gives is called."""
        with self._condition:
            while self._in_flight >= int(self._limit):
                self._condition.wait()
            self._in_flight += 1
            held = Slot(self, self._generation)
        succeeded = False
        try:
            yield held
            succeeded = not held.limited
        finally:
            if not held.kept:
                self._give_back(held, succeeded)

    def _give_back(self, held: Slot, succeeded: bool) -> None:
        with self._condition:
            self._in_flight -= 1
            if held.limited:
                self._decrease(held.generation)
            elif succeeded:
                self._limit = min(float(self.maximum), self._limit + 1.0 / self._limit)
            self._condition.notify_all()

    def _decrease(self, generation: int) -> None:
        if generation != self._generation:
            return  # this round already halved the limit
        self._limit = max(float(self.minimum), self._limit / 2.0)
        self._generation += 1
        self.decreases += 1
