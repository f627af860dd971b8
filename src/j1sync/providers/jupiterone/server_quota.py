"""Pacing from the server's own rate-limit headers, so that a large plan or apply stays
under JupiterOne's quota instead of discovering it by 429s.

JupiterOne (reference/jupiterone/rate-limiting.md) keeps token buckets per account and per
API token, counts every root field of a request (aliases included) as one invocation, and
answers with `RateLimit-Limit` (the most-limited bucket's quota, then each bucket as
`N;window=S`), `RateLimit-Remaining`, `RateLimit-Reset` (seconds until every bucket is
empty) and `RateLimit-Requested` (the invocations the request counted). The recordings
show the short form `RateLimit-Limit: 1000` too. A response without them leaves the pace
as it was: no headers, no pacing (the AIMD limit and the retries still apply).

`ServerQuota` keeps an estimate of what is left: the last `Remaining`, less what this client
has sent that the server may not have counted yet, refilled at the bucket's rate up to the
quota less what is still unanswered (counted when it arrives, however late). Requests
take their invocations in arrival order (the very first alone, until its answer tells
whether the server sends the headers and what is left); when they are not there, the
first in line waits
for the refill (or, with no rate known, until `Reset`), looking again whenever an answer
brings fresh headers, and waits a little longer than the estimate says (`MARGIN_S`: the
server counts a request when it arrives, not when it was sent). A 429's headers are the
pre-request numbers (the request was not counted), so the same estimate tells the retry
how long to wait; `Retry-After`, when present, is a floor.

Waiting for the quota is not a retry: nothing failed, and it is what keeps a large run
free of 429s. But it is waiting all the same, and the retry budget is the user's limit on
how long one request may wait: a request whose wait for the quota would go beyond its
budget fails at once (`QuotaBeyondBudget`), and a wait of WAIT_NOTICE_S or more is said
(`announce`), once, with what the estimate comes from.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from j1sync.http.client import retry_after_seconds
from j1sync.http.retry import WAIT_NOTICE_S

Clock = Callable[[], float]

_WINDOW = re.compile(r"^\s*(\d+)\s*;\s*window\s*=\s*([0-9.]+)\s*$", re.IGNORECASE)
# Waiting with no rate known and no Reset to go by (Remaining too low, Reset 0).
FALLBACK_WAIT_S = 1.0
# Added to every wait for the quota: network jitter between sending and being counted.
MARGIN_S = 0.02

# What a wait's length comes from, as `announce` and QuotaBeyondBudget name it: the
# header that said it.
RETRY_AFTER = "Retry-After"
LIMIT_WINDOW = "RateLimit-Limit"  # the bucket's window, so its refill rate
RESET = "RateLimit-Reset"
REMAINING = "RateLimit-Remaining"  # too little left, no rate nor Reset to go by

Announce = Callable[[float, str], None]


class QuotaBeyondBudget(Exception):
    """The request would wait `wait_s` seconds for its invocations (`source`: what the
    estimate comes from), beyond its deadline (the retry budget)."""

    def __init__(self, wait_s: float, source: str) -> None:
        super().__init__(f"{wait_s:.1f} s ({source})")
        self.wait_s = wait_s
        self.source = source


@dataclass(frozen=True)
class QuotaReading:
    """The RateLimit-* headers of one response."""

    limit: int
    remaining: int
    reset_s: float
    requested: int | None
    windows: tuple[tuple[int, float], ...]  # (quota, window seconds) of each bucket
    retry_after_s: float | None = None

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> QuotaReading | None:
        """Parse a response's headers (any case); None without usable RateLimit-*."""
        lower = {k.lower(): v for k, v in headers.items()}
        retry_after = retry_after_seconds(lower.get("retry-after"))
        try:
            parts = lower["ratelimit-limit"].split(",")
            limit = int(parts[0].strip())
            remaining = int(lower["ratelimit-remaining"].strip())
            reset_s = float(lower.get("ratelimit-reset", "0").strip())
            if not math.isfinite(reset_s):  # 1e400: a wait without end, not a reading
                raise ValueError(reset_s)
            requested_text = lower.get("ratelimit-requested")
            requested = int(requested_text.strip()) if requested_text else None
        except (KeyError, ValueError, IndexError):
            return None
        windows = tuple(
            (int(m.group(1)), float(m.group(2)))
            for m in (_WINDOW.match(p) for p in parts[1:])
            if m is not None and float(m.group(2)) > 0
        )
        return cls(limit, remaining, max(0.0, reset_s), requested, windows, retry_after)

    @property
    def smallest_quota(self) -> int:
        """The smallest bucket the headers name: no request may cost more."""
        return min([self.limit, *(q for q, _ in self.windows)])

    @property
    def rate_source(self) -> str:
        """The header `refill_rate` comes from: the buckets' windows, else Reset."""
        return LIMIT_WINDOW if self.windows else RESET

    def refill_rate(self) -> float | None:
        """Invocations a second the most-limited bucket gets back: from its window when the
        Limit header lists them (the slowest bucket of that quota), else a lower bound from
        Reset (what is counted empties within Reset seconds); None when nothing tells."""
        matching = [q / w for q, w in self.windows if q == self.limit] or [
            q / w for q, w in self.windows
        ]
        if matching:
            return min(matching)
        counted = self.limit - self.remaining
        if counted > 0 and self.reset_s > 0:
            return counted / self.reset_s
        return None


@dataclass(frozen=True)
class Reservation:
    sequence: int
    cost: int
    waited: bool
    # `stop` ended the wait while the estimate did not hold the invocations: sent, the
    # request would go beyond the quota
    cut_short: bool = False


class ServerQuota:
    """What the server's quota leaves this client, shared by all its threads."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._condition = threading.Condition()
        self._available: float | None = None  # None: no headers seen, no pacing
        self._probing = True  # until the first answer: one request at a time
        self._capacity = 0
        self._rate: float | None = None
        self._bounds: dict[int, float] = {}  # a bucket's quota -> its best refill bound
        self._rate_source = RESET  # the header `_rate` comes from
        self._reset_at = 0.0
        self._not_before = 0.0
        self._updated = 0.0
        self._sequence = 0
        self._outstanding: dict[int, int] = {}  # sequence -> cost, sent and unanswered
        self._tickets = 0  # the line of requests waiting for their invocations
        self._serving = 0
        self._left_line: set[int] = set()
        self.waits = 0  # how many requests waited for the quota (for tests, benchmarks)
        # set once a request has taken its place in line: later ones are served after it
        self.first_in_line = threading.Event()

    @property
    def capacity(self) -> int | None:
        """The smallest bucket's quota, once a response said it: no request may cost
        more (the server would refuse it every time)."""
        return self._capacity or None

    def acquire(
        self,
        cost: int,
        stop: threading.Event,
        deadline: float | None = None,
        announce: Announce | None = None,
    ) -> Reservation:
        """Wait in line until the estimate holds `cost` invocations (no wait while nothing
        is known), take them, and return the reservation to `settle`. Returns at once,
        taking them anyway, when `stop` is set (`cut_short` when they were not there).
        First in line, raises QuotaBeyondBudget when the wait would end after `deadline`
        (on the clock), and calls `announce` (the wait's seconds, what they come from)
        once when it is WAIT_NOTICE_S or more."""
        with self._condition:
            ticket = self._tickets
            self._tickets += 1
            self.first_in_line.set()
            waited = False
            announced = False
            cut_short = False
            try:
                while True:
                    if stop.is_set():
                        probing = self._probing and bool(self._outstanding)
                        cut_short = not probing and self._wait_for(cost, self._clock())[0] > 0
                        break
                    if ticket == self._serving and self._probing and self._outstanding:
                        self._condition.wait(1.0)  # the first answer tells what is left
                    elif ticket == self._serving:
                        now = self._clock()
                        wait, source = self._wait_for(cost, now)
                        if wait <= 0:
                            break
                        if deadline is not None and now + wait > deadline:
                            raise QuotaBeyondBudget(wait, source)
                        if announce is not None and not announced and wait >= WAIT_NOTICE_S:
                            announced = True
                            announce(wait, source)
                        waited = True
                        self._condition.wait(min(wait, 1.0))  # an answer may tell more
                    else:
                        self._condition.wait(1.0)
            finally:
                self._leave_line(ticket)
            if waited:
                self.waits += 1
            self._sequence += 1
            if self._available is not None:
                self._refill(self._clock())
                self._available -= min(cost, self._capacity or cost)
            self._outstanding[self._sequence] = cost
            return Reservation(self._sequence, cost, waited, cut_short)

    def wake(self) -> None:
        """Make every waiter look at its `stop` event again."""
        with self._condition:
            self._condition.notify_all()

    def delay(self, cost: int) -> float:
        """How long a request of `cost` would wait now, were it first in line."""
        with self._condition:
            return self._wait_for(cost, self._clock())[0]

    def settle(self, reservation: Reservation, headers: Mapping[str, str] | None) -> None:
        """The request is answered (or failed): it is no longer outstanding, and the
        answer's headers correct the estimate."""
        reading = QuotaReading.of(headers) if headers else None
        with self._condition:
            self._outstanding.pop(reservation.sequence, None)
            self._probing = False
            self._condition.notify_all()
            if reading is None:
                return
            now = self._clock()
            if reading.retry_after_s is not None:
                self._not_before = max(self._not_before, now + reading.retry_after_s)
            # Less what this client has sent that the server may not have counted yet
            # (some it may have: on the safe side). Answers may arrive in another order
            # than the server counted them, so an answer never raises the estimate (only
            # the refill does): the lower of the two wins.
            fresh = float(reading.remaining - sum(self._outstanding.values()))
            if self._available is not None:
                self._refill(now)
                fresh = min(fresh, self._available)
            self._available = fresh
            # The smallest seen: with RateLimit-Limit alone (as recorded) it names
            # whichever bucket limits at the moment.
            self._capacity = min(self._capacity or reading.smallest_quota, reading.smallest_quota)
            rate = reading.refill_rate()
            if rate and not reading.windows:
                # From Reset, a lower bound, loose while little is counted (1 counted, Reset
                # rounded up to 1 s: 1 a second, for a bucket of 1,000 a minute): the best
                # bound yet of the bucket the answer names (by its quota) holds, as a
                # bucket's rate does not change.
                rate = self._bounds[reading.limit] = max(rate, self._bounds.get(reading.limit, 0))
            if rate:
                self._rate, self._rate_source = rate, reading.rate_source
            self._reset_at = now + reading.reset_s
            self._updated = now
            self._condition.notify_all()

    def _leave_line(self, ticket: int) -> None:
        self._left_line.add(ticket)
        while self._serving in self._left_line:
            self._left_line.discard(self._serving)
            self._serving += 1
        self._condition.notify_all()

    def _refill(self, now: float) -> None:
        assert self._available is not None
        # The bucket refills to its quota at most, and what this client has sent and not
        # yet heard back about may not be counted yet: it will be, so the estimate refills
        # to the quota less that (a request held between taking its invocations and being
        # sent, as under load or behind the in-flight limit, would otherwise leave room
        # for the next ones, and together they go beyond the bucket: 429s).
        ceiling = float(self._capacity - sum(self._in_flight()))
        if self._rate is not None:
            gained = (now - self._updated) * self._rate
            self._available = min(ceiling, self._available + gained)
        elif now >= self._reset_at:
            self._available = max(self._available, ceiling)
        self._updated = now

    def _in_flight(self) -> Iterator[int]:
        """The invocations of each request sent and not answered (as `acquire` took them)."""
        return (min(cost, self._capacity or cost) for cost in self._outstanding.values())

    def _wait_for(self, cost: int, now: float) -> tuple[float, str]:
        """How long a request of `cost` waits now, first in line, and what says so."""
        floor = max(0.0, self._not_before - now)
        if self._available is None:
            return floor, RETRY_AFTER
        self._refill(now)
        need = min(cost, self._capacity) - self._available
        if need <= 0:
            return floor, RETRY_AFTER
        if self._rate is not None:
            wait, source = need / self._rate, self._rate_source
        elif self._reset_at > now:
            wait, source = self._reset_at - now, RESET
        else:
            wait, source = FALLBACK_WAIT_S, REMAINING
        wait += MARGIN_S
        return (floor, RETRY_AFTER) if floor > wait else (wait, source)
