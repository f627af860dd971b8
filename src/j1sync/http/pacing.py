"""Other work giving way to the read's chain of pages around each of its answers.

A plan's wall time is set by its longest chain of pages (each page's request carries the
last page's cursor: at 20,000 objects, 90 pages of rules one after the other), and the
manifests load on the main thread meanwhile. Each answer of the chain then waits for the
interpreter lock and a core held by the load (while the manifests load, ~3-4 ms a page
more than after). So the chain's thread says when its requests are on the wire and when
their answers come (`sent`, `answered`: http/session.py's connections, within
`signalling_sends`), and the load between files, the plan's work on the manifests
meanwhile (`paced`) and the other reads' threads before they use an answer ask whether
to give way (`give_way`): from a little before the next answer is due (the chain's round
trips so far say when) until the next request is on the wire, they wait, and the reading
thread has the lock to itself from the answer to the next request.

Timing only: a pace that is wrong (an answer later or sooner than its round trips said,
a server that stalls) costs the load a few milliseconds, never more than `_EARLY` +
`_LATE` + `_AFTER` for one answer, and nothing ever waits on the load. A chain whose
round trips are quick (`_LEAST_ROUND_TRIP`: a server with no latency) is given no way.
One chain at a time is followed (`follow`): the first read that asks, the one started
first (the rules: they are read first).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar, runtime_checkable

# How long before an answer is due the load gives way: the answer's wake-up and its
# first part then find the lock free (3, 9 and 12 ms were no better than none or than
# 6 ms, which took ~0.13 s off the rules' gaps at 20,000 objects with the machine's
# cores contended: docs/performance.md, Rounds 13 and 14).
_EARLY = 0.006
# How long after an answer the load waits, at most, for the next request to be sent
# (the reader turns a page into the next request in ~2 ms).
_AFTER = 0.008
# An answer this late is not waited for any more: a slow server must not stall the load.
_LATE = 0.015
# A chain whose round trips are shorter is given no way: it waits on the network too
# little for its answers to be what the plan waits for, and giving way would only slow
# the load, which then sets the wall time (at no latency, 20,000 objects: +0.24 s).
_LEAST_ROUND_TRIP = 0.04
# What `paced` hands out between two turns of giving way: at ~10-30 µs an item (a
# manifest's desired object, a live object prepared), under a millisecond, well inside
# the `_EARLY` margin.
_PACED_ITEMS = 32
# How long after the pace is made (its client, as the run connects) the load waits, at
# most, for the chain's first request to be on the wire: the load's first file takes the
# helper's bytes of every file (~30 ms of the interpreter lock at 20,000 files), which
# held the first request back ~10 ms.
_FIRST = 0.015
# How quickly the round trip's estimate follows a slower one (a quicker one is taken at
# once): the estimate stays near the quickest round trips, which is what the pace needs
# to be waiting before the answer, not after.
_SLOWER = 0.3


class Pace:
    """The timing of the chain of requests followed (`follow`): for other threads to
    give way around its answers (`give_way`). Thread-safe: one thread (the chain's)
    says `sent` and `answered`, any other may give way."""

    def __init__(self, *, first_chain: bool = False) -> None:
        """`first_chain`: the client's read starts with a chain that follows this pace
        (JupiterOne's pages), whose first request other work waits for (`give_way`); a
        client whose reads follow none (xyOps, OpenCTI) would only make them wait."""
        self._followed = threading.Lock()
        # (when the request in flight was sent, when the last answer came): one is None
        self._state: tuple[float | None, float | None] = (None, None)
        self._round_trip: float | None = None
        self._next_send = threading.Event()  # set when the next request is on the wire
        # until then, give way to the chain's first request (never, without one)
        self._first_by = time.monotonic() + _FIRST if first_chain else 0.0
        self._sent_once = False
        # times each thread gave way, by its name (for tests and benchmarks)
        self.waits: Counter[str] = Counter()

    def follow(self) -> bool:
        """Follow the calling thread's chain (until `leave`); False when another chain
        is followed (that one goes on being)."""
        return self._followed.acquire(blocking=False)

    def leave(self) -> None:
        """The chain followed has ended: nothing more to give way to."""
        self._state = (None, None)
        self._round_trip = None
        self._sent_now()
        self._followed.release()

    def sent(self) -> None:
        """The chain's next request is on the wire."""
        self._state = (time.monotonic(), None)
        self._sent_once = True
        self._sent_now()

    def answered(self) -> None:
        """The answer of the chain's request in flight has come."""
        sent, _ = self._state
        if sent is None:
            return
        now = time.monotonic()
        took = now - sent
        known = self._round_trip
        self._round_trip = took if known is None else min(took, known + _SLOWER * (took - known))
        self._state = (None, now)

    def give_way(self) -> None:
        """Wait while the chain's answer is about to come or is being turned into its next
        request: from `_EARLY` before the answer is due (the round trips so far) until
        the next request is on the wire, at most `_AFTER` after the answer and never
        past `_LATE` after it was due; and, for a pace made for a `first_chain`, until
        its first request is on the wire, at most `_FIRST` after the pace was made.
        Returns at once otherwise, and for a chain whose round trips take less than
        `_LEAST_ROUND_TRIP`."""
        next_send = self._next_send  # first: a request sent meanwhile sets this one
        sent, answered = self._state
        round_trip = self._round_trip
        now = time.monotonic()
        if not self._sent_once and now < self._first_by:  # the chain's first request
            self.waits[threading.current_thread().name] += 1
            next_send.wait(self._first_by - now)
            return
        if round_trip is None or round_trip < _LEAST_ROUND_TRIP:
            return
        if sent is not None:
            if now < sent + round_trip - _EARLY:
                return
            until = sent + round_trip + _LATE
        elif answered is not None:
            until = answered + _AFTER
        else:
            return
        if now < until:
            self.waits[threading.current_thread().name] += 1
            next_send.wait(until - now)

    def _sent_now(self) -> None:
        event, self._next_send = self._next_send, threading.Event()
        event.set()


_Item = TypeVar("_Item")


def paced(items: Iterable[_Item], give_way: Callable[[], object] | None) -> Iterator[_Item]:
    """`items`, with `give_way` called before every `_PACED_ITEMS` of them: the plan's
    work on the main thread while the account is read (the desired objects made and
    prepared, each part of the live side prepared) gives way as the manifests' load does
    between files. Without it, that work (~1.3 s at 20,000 objects) held the interpreter
    lock through the chain's answers: its requests then left 10-80 ms late."""
    if give_way is None:
        yield from items
        return
    for index, item in enumerate(items):
        if index % _PACED_ITEMS == 0:
            give_way()
        yield item


@runtime_checkable
class GivesWay(Protocol):
    """A provider whose reads other work can give way to (its client's `Pace`)."""

    def give_way(self) -> None: ...
