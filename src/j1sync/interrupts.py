"""Ctrl-C and SIGTERM: how a j1sync process stops.

SIGTERM is treated as SIGINT (CI runners send either when a job is cancelled). The first
one stops the command: a KeyboardInterrupt, reported as `Interrupted.`, exit 130 (apply
stopped before its first change says that nothing was applied: `Interrupted`). During
apply's changes it only stops new changes from starting (`graceful_stop`): the changes
already in flight finish, or are given up after a grace period, and apply reports what was
and was not applied. A second signal ends the process at once, whatever it is doing, with no
traceback: nothing j1sync does needs cleaning up that the next run cannot finish (a
change that was in flight is found by its name by the next apply).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import contextmanager, suppress
from types import FrameType
from typing import Any, Protocol, TypeVar, runtime_checkable

from j1sync.entry import INTERRUPTED

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# How long changes already in flight may keep going (retrying a rate limit, re-reading
# after a lost response) once apply was interrupted; then their retries are given up. A
# request on the wire still ends by its own timeout. CI runners send SIGTERM some seconds
# after SIGINT (GitHub Actions: 7.5 s), so the report must come before that.
IN_FLIGHT_GRACE_S = 5.0

# How long the main thread's waits (the user's answer, changes in flight) block before
# they return to the interpreter. Python runs a signal's handler in the main thread between
# two steps of Python code: a signal caught just before a wait began blocking is acted on
# within this time, not when the wait ends by itself (see read_answer).
SIGNAL_CHECK_S = 0.1


# How the first signal's line says to exit at once, by that signal: any second signal
# does; a cancelled CI job sends SIGTERM again, a user at the terminal presses Ctrl-C.
_EXIT_AT_ONCE = {
    "SIGINT": "press Ctrl-C again to exit at once",
    "SIGTERM": "a second SIGTERM or a Ctrl-C exits at once",
}


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM, reported with more than `Interrupted.`: `report` is the line the
    CLI prints in its place (what the interrupt left done or undone)."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class StopRequest(threading.Event):
    """Set by the first SIGINT or SIGTERM inside `graceful_stop`; `signal_name` says which."""

    signal_name = ""


@runtime_checkable
class StoppableRetries(Protocol):
    """A provider whose retries an interrupted apply can give up (and take up again)."""

    def stop_retries(self) -> None: ...

    def resume_retries(self) -> None: ...


# One stop, delivered twice: `timeout` signals its child, then the process group it is in;
# a wrapper may forward a signal the group was sent already. A stop signal within this
# time of the first is that one again, not a second Ctrl-C (pressed once the first one's
# line was read): it is ignored.
SAME_STOP_S = 0.25


class _Process:
    """Stop signals this process received (a second one exits at once), and when the
    first came (time.monotonic)."""

    received = 0
    first_at = 0.0


def _received() -> str:
    """Count a stop signal: "first", "again" (a second stop: exit at once), or "repeat"
    (the first one delivered again, within SAME_STOP_S: not counted)."""
    now = time.monotonic()
    if _Process.received == 0:
        _Process.received, _Process.first_at = 1, now
        return "first"
    if now - _Process.first_at < SAME_STOP_S:
        return "repeat"
    _Process.received += 1
    return "again"


def stopping() -> bool:
    """Whether this process received SIGINT or SIGTERM: it is ending, and what it still
    sends (the apply lock's release) should be quick."""
    return _Process.received > 0


def install() -> None:
    """Make SIGTERM behave as SIGINT and a second signal exit at once. For the `j1sync`
    process itself (its `main`), never for an in-process caller such as a test runner."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    seen = _received()
    if seen == "repeat":
        return
    if seen == "again":
        exit_now(changes_begun=False)  # apply's changes have graceful_stop's handler
    raise KeyboardInterrupt


def read_answer() -> str:
    """A line typed on stdin, without its line end ("" at the end of input), a wait that
    Ctrl-C always interrupts.

    Python runs a signal's handler (here: raise KeyboardInterrupt) in the main thread,
    between two steps of Python code. `input()` reads in C until a line comes: a SIGINT
    caught after its last such step and before its read() began (the user pressing Ctrl-C
    as the question appears, the process just preempted by the one showing it), or one
    the kernel gave another thread, is left pending, and the read waits for a line the
    user will never type. Here the wait is select() with a timeout: it returns to Python
    every SIGNAL_CHECK_S, where a pending handler runs. Without a stdin that select() can
    watch (a test runner's in-memory stdin), this is `input()`."""
    try:
        fd = sys.stdin.fileno()
        while not select.select([fd], [], [], SIGNAL_CHECK_S)[0]:
            pass
    except (OSError, ValueError):  # no file descriptor, or none select() can watch
        try:
            return input()
        except EOFError:
            return ""
    return sys.stdin.readline().rstrip("\r\n")


T = TypeVar("T")


def settled(future: Future[Any]) -> None:
    """Wait until `future` is done, returning to Python every SIGNAL_CHECK_S (a bare
    `future.result()` can leave a Ctrl-C pending until it is done: see read_answer). Each
    step is `future.exception(timeout)`, which holds the future's lock in a `with`: a
    KeyboardInterrupt raised in it leaves no lock held (`concurrent.futures.wait` can)."""
    while not future.done():
        with suppress(FuturesTimeout, CancelledError):
            future.exception(SIGNAL_CHECK_S)


def result_of(future: Future[T]) -> T:
    """`future.result()`, waited for as `settled` waits."""
    settled(future)
    return future.result()


def exit_now(*, changes_begun: bool = True) -> None:
    """End the process at once (exit 130), saying so on stderr, and, once apply's changes
    have begun, what becomes of one in flight. Safe from a signal handler: it bypasses
    Python's buffered streams, which the interrupted code may be writing to."""
    in_flight = (
        "; a change still in flight, if any, may or may not have been made: the next apply "
        "finds it by name and finishes the job"
    )
    _write_stderr(f"j1sync: interrupted again: exiting now{in_flight if changes_begun else ''}")
    os._exit(INTERRUPTED)


@contextmanager
def graceful_stop(
    give_up_in_flight: Callable[[], None] | None = None,
    grace_s: float = IN_FLIGHT_GRACE_S,
) -> Iterator[StopRequest]:
    """For the block, the first SIGINT or SIGTERM sets the yielded StopRequest instead of
    raising, and `give_up_in_flight` runs `grace_s` seconds later (on a timer thread); a
    second signal exits at once. Outside the main thread (signals cannot be caught
    there), the request is never set."""
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    timers: list[threading.Timer] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        seen = _received()
        if seen == "repeat":
            return
        if seen == "again" or stop.is_set():
            exit_now()
        stop.signal_name = signal.Signals(signum).name
        stop.set()
        _write_stderr(
            f"j1sync: {stop.signal_name} received: starting no new changes, waiting for "
            f"those in flight ({_EXIT_AT_ONCE[stop.signal_name]})"
        )
        if give_up_in_flight is not None:
            timer = threading.Timer(grace_s, give_up_in_flight)
            timer.daemon = True
            timer.start()
            timers.append(timer)

    previous = {sig: _handler_of(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, handler)
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        for timer in timers:
            timer.cancel()


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM received in the block act when it ends, as they would have
    (in the main thread only: signals cannot be caught elsewhere): for a step of a few
    milliseconds that must not stop half-way (export moving its files into place)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: _handler_of(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, note)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    if received:
        handler = previous[signal.Signals(received[0])]
        if callable(handler):
            handler(received[0], None)
        elif handler != signal.SIG_IGN:
            raise KeyboardInterrupt


def _handler_of(sig: signal.Signals) -> Any:
    current = signal.getsignal(sig)
    return signal.SIG_DFL if current is None else current


def _write_stderr(line: str) -> None:
    with suppress(OSError):
        os.write(2, (line + "\n").encode("utf-8", "replace"))
