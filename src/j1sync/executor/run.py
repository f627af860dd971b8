"""apply_plan: a plan's changes, each as soon as its dependencies are done, concurrently."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from j1sync.engine.contract import DesiredObject, LiveObject, Provider
from j1sync.engine.lock import lost_lock
from j1sync.engine.model import Change, Plan
from j1sync.engine.order import Schedule
from j1sync.errors import J1SyncError, RetryBudgetExceeded, Unreachable
from j1sync.executor import mutations
from j1sync.executor.outcome import (
    LOCK_LOST,
    NOT_STARTED,
    ApplyEvent,
    ApplyResult,
    EventType,
    Outcome,
    Status,
)
from j1sync.executor.resolution import RunResolver, desired_objects
from j1sync.http.retry import no_answer
from j1sync.interrupts import SIGNAL_CHECK_S
from j1sync.providers.registry import system_name_of

EventHandler = Callable[[ApplyEvent], None]


class _Events:
    """Serializes callbacks: the CLI's progress display need not be thread-safe."""

    def __init__(self, handler: EventHandler | None, total: int) -> None:
        self._handler = handler
        self._lock = threading.Lock()
        self.total = total

    def emit(
        self, type_: EventType, change: Change | None = None, outcome: Outcome | None = None
    ) -> None:
        if self._handler is None:
            return
        event = ApplyEvent(type_, self.total, change, outcome)
        with self._lock:
            self._handler(event)


def apply_plan(
    plan: Plan,
    provider: Provider,
    live: Sequence[LiveObject],
    *,
    concurrency: int = 4,
    env: Mapping[str, str] | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> ApplyResult:
    """Make the plan's changes. One failure skips only the changes that depend on it.

    Each change starts as soon as the changes it depends on are done and one of the
    `concurrency` workers is free: no level waits for the slowest change of the one before
    (engine/order.py's Schedule says which change is next; at concurrency 1 the order is
    that of the levels). `live` is the account as read just before (ids and objects to
    update or delete); `env` (default os.environ) resolves the plan's `${env:…}` values
    before any change. Once `stop` is set (Ctrl-C), no further change starts: those in
    flight finish, the rest are skipped as not started, and the result is marked
    interrupted. Likewise once an apply lock this process holds is lost (engine/lock.py
    `lost_lock`: another apply may be changing the account), without the mark. And once a
    change got no answer from its system's API for good (no server there, or every attempt
    timed out until the retry budget was spent: `_unanswered_for_good`), no further change
    of that system starts: each would wait a timeout and a budget of its own, one after
    another, against a server that is not answering (the read's rule, docs/performance.md).
    """
    desired = desired_objects(plan, os.environ if env is None else env, live)
    schedule = Schedule(plan.changes)
    live_by_address = {obj.address: obj for obj in live}
    resolver = RunResolver(live)
    events = _Events(on_event, len(schedule))
    outcomes: dict[str, Outcome] = {}
    not_done: dict[str, str] = {}  # address -> "failed" | "unknown" | "skipped"
    unanswered: dict[str, str] = {}  # system -> why its changes no longer start
    workers = max(1, concurrency)

    def interrupted() -> bool:
        return stop is not None and stop.is_set()

    def halted() -> str | None:
        """Why no further change starts (an interrupt, or the apply lock lost), or None."""
        if interrupted():
            return NOT_STARTED
        return LOCK_LOST if lost_lock() is not None else None

    def stopped() -> bool:
        return halted() is not None

    def run_one(change: Change) -> tuple[Outcome, bool] | None:
        if stopped():
            return None  # interrupted between being handed to a worker and starting
        events.emit("change_started", change)
        ran = _attempt(change, provider, desired, live_by_address, resolver)
        events.emit("change_finished", change, ran[0])
        return ran

    def finish(change: Change, outcome: Outcome) -> None:
        outcomes[change.address] = outcome
        if outcome.status != "applied":
            not_done[change.address] = outcome.status
        schedule.done(change)

    def skip(change: Change, outcome: Outcome) -> None:
        events.emit("change_finished", change, outcome)
        finish(change, outcome)  # its dependents become ready, and are skipped

    events.emit("start")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running: dict[Future[tuple[Outcome, bool] | None], Change] = {}
        while True:
            while (
                not stopped()
                and len(running) < workers
                and (change := schedule.next_ready()) is not None
            ):
                if (why := unanswered.get(system_name_of(change.kind))) is not None:
                    skip(change, _not_started(change, why))
                elif any(d in not_done for d in change.depends_on):
                    skip(change, _skipped(change, not_done))
                else:
                    running[pool.submit(run_one, change)] = change
            if not running:
                break  # all done, or stopped with nothing left in flight
            finished: set[Future[tuple[Outcome, bool] | None]] = set()
            while not finished:  # returning to Python now and then: a Ctrl-C is seen
                finished, _ = wait(running, SIGNAL_CHECK_S, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=lambda f: schedule.rank(running[f])):
                change = running.pop(future)
                ran = future.result()
                if ran is None:
                    outcome = _not_started(change, halted() or NOT_STARTED)
                    events.emit("change_finished", change, outcome)
                else:
                    outcome, unanswered_for_good = ran
                    if unanswered_for_good:
                        why_not = _no_answer_to(outcome)
                        unanswered.setdefault(system_name_of(change.kind), why_not)
                finish(change, outcome)
    why = halted() or NOT_STARTED
    for change in schedule.not_done():  # stopped: what never started
        outcomes[change.address] = _not_started(change, why)
        events.emit("change_finished", change, outcomes[change.address])
    result = ApplyResult([outcomes[c.address] for c in schedule.in_order()])
    result.interrupted = interrupted()
    events.emit("finish")
    return result


def _unanswered_for_good(exc: BaseException) -> bool:
    """The API gave no answer for good: it could not be reached, or a request spent its
    retry budget on timeouts and lost connections (most often the re-read after a write
    that timed out), also as the cause of the executor's NotApplied. A write's own lost
    answer is not: a write is never repeated blindly, so its lost answers (four rounds of
    them, to one change) say nothing of the server, whose other answers may come."""
    return any(
        isinstance(error, (RetryBudgetExceeded, Unreachable)) and no_answer(error)
        for error in (exc, exc.__cause__)
    )


def _no_answer_to(outcome: Outcome) -> str:
    """Why a system's further changes do not start once a change got no answer for good
    (`outcome`: failed, or unknown). What to run next is not said here: after a saved plan
    it is a new plan, not the same (output/apply_report.finish_hint)."""
    return f"not started: the API gave no answer to {outcome.address} ({_said(outcome.status)})"


def _said(status: str) -> str:
    """A change's status as another change's line names it: `Question/q (failed)`."""
    return "outcome unknown" if status == "unknown" else status


def _not_started(change: Change, why: str) -> Outcome:
    return Outcome(change.address, change.action, "skipped", why, change.id)


def _skipped(change: Change, not_done: Mapping[str, str]) -> Outcome:
    blockers = [d for d in change.depends_on if d in not_done]
    why = ", ".join(f"{d} ({_said(not_done[d])})" for d in blockers)
    return Outcome(change.address, change.action, "skipped", f"depends on {why}", change.id)


def _attempt(
    change: Change,
    provider: Provider,
    desired: Mapping[str, DesiredObject],
    live_by_address: Mapping[str, LiveObject],
    resolver: RunResolver,
) -> tuple[Outcome, bool]:
    """The change's outcome, and whether it failed because its API gave no answer for good
    (`_unanswered_for_good`)."""
    try:
        kind = provider.kind(change.kind)
        if change.action == "create":
            done = mutations.create(kind, desired[change.address], resolver)
            if done.id is not None:
                resolver.record(change.address, done.id)
        else:
            current = live_by_address.get(change.address)
            if current is None:
                raise mutations.NotApplied("not found in the live account")
            if change.action == "update":
                done = mutations.update(kind, current, desired[change.address], resolver)
            else:
                done = mutations.delete(kind, current)
    except (J1SyncError, mutations.NotApplied) as exc:
        status: Status = "unknown" if isinstance(exc, mutations.OutcomeUnknown) else "failed"
        ended = Outcome(change.address, change.action, status, str(exc), change.id)
        return ended, _unanswered_for_good(exc)
    except Exception as exc:  # a provider bug must not abandon the independent changes
        message = f"unexpected {type(exc).__name__}: {exc}"
        return Outcome(change.address, change.action, "failed", message, change.id), False
    return Outcome(change.address, change.action, "applied", done.message, done.id), False
