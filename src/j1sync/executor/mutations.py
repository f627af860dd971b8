"""One change against the provider, with the rule for ambiguous failures (docs/architecture.md §7).

A TransientError after the client's own retries (timeout, dropped connection, 5xx) means
the mutation may have happened. It is never retried blindly: the object is re-read by its
natural key first, and the mutation is repeated only when the re-read shows it did not
take effect, so a create never runs twice and an update is re-sent against the object as
it is now. tenacity drives the rounds (with jittered backoff); each round starts with the
re-read.

An update may take many calls (one per capability of an OpenCTI role, per member of an IAM
group, per workflow status), and with answers lost a round ends at the first lost one. A
round whose re-read finds the object closer to the desired state than any before
(engine/diff.py `distance`) made progress and does not count against AMBIGUOUS_ATTEMPTS;
the first try and every round without progress do. AMBIGUOUS_ROUNDS_MAX ends any change.
When the rounds run out, one last re-read tells whether the last try took effect.

What happened is known only by re-reading: when a re-read fails too (no answer again, the
retry budget spent), the change's outcome is unknown (`OutcomeUnknown`), not failed: it
may or may not have been made, and the next apply finds it by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_random_exponential

from j1sync.engine.contract import (
    ConfirmsUnreadable,
    DesiredObject,
    LiveObject,
    ResourceKind,
    comparable_live_state,
)
from j1sync.engine.diff import distance
from j1sync.errors import ApiError, J1SyncError, NotFound, RetryBudgetExceeded, TransientError
from j1sync.executor.resolution import RunResolver

# One first try and up to three re-read-then-retry rounds: with one request in ten failing
# ambiguously, a change still fails only about once in ten thousand.
# Rounds that made progress do not count (module docstring).
AMBIGUOUS_ATTEMPTS = 4
# Every round counts here: an update of ~100 calls still ends with 30% of answers lost.
AMBIGUOUS_ROUNDS_MAX = 100
BACKOFF_INITIAL_S = 0.1
BACKOFF_MAX_S = 2.0


@dataclass(frozen=True)
class Done:
    """A mutation that took effect: the object's id and how we know."""

    id: str | None
    message: str = ""


class NotApplied(Exception):
    """A change that could not be made safely; the message says why."""


class OutcomeUnknown(NotApplied):
    """A change sent whose answer was lost, and re-reading the object failed too: it may
    or may not have been made."""


class Retry(Enum):
    """A re-read's answer when the change is not done yet: mutate again."""

    AGAIN = "again"  # no progress seen: the round counts against AMBIGUOUS_ATTEMPTS
    CLOSER = "closer"  # closer to the desired state than ever before: it does not


Mutate = Callable[[], Done]
Reread = Callable[[TransientError], "Done | Retry"]


class _Budget:
    """The attempts that count (the first, and each round without progress), and when to
    stop: AMBIGUOUS_ATTEMPTS of them, or AMBIGUOUS_ROUNDS_MAX rounds in all."""

    def __init__(self) -> None:
        self.counted = 0

    def stop(self, state: RetryCallState) -> bool:
        return self.counted >= AMBIGUOUS_ATTEMPTS or state.attempt_number >= AMBIGUOUS_ROUNDS_MAX


def _reread_then_retry(mutate: Mutate, reread: Reread) -> Done:
    """Run `mutate`; after an ambiguous failure, `reread` decides: a Done (it happened, or
    the re-read finished it) ends the change, a Retry means it is not done: mutate again."""
    cause: TransientError | None = None
    budget = _Budget()
    retrying = Retrying(
        stop=budget.stop,
        wait=wait_random_exponential(multiplier=BACKOFF_INITIAL_S, max=BACKOFF_MAX_S),
        retry=retry_if_exception_type(TransientError),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                if cause is None:
                    budget.counted += 1
                else:
                    known = _reread_once(reread, cause)
                    if isinstance(known, Done):
                        return known
                    if known is Retry.AGAIN:
                        budget.counted += 1
                try:
                    done = mutate()
                except TransientError as exc:
                    cause = exc
                    raise
                if cause is not None:
                    return Done(done.id, f"retried after re-reading: {cause}")
                return done
    except TransientError as last:  # the rounds ran out: did the last try take effect?
        known = _reread_once(reread, last)
        if isinstance(known, Done):
            return known
        raise  # it did not: the change failed
    raise AssertionError("unreachable: tenacity either returns or re-raises")


def _reread_once(reread: Reread, cause: TransientError) -> Done | Retry:
    """`reread(cause)`; a re-read that fails (no answer again, its retry budget spent, or
    its retries given up by an interrupted apply) ends the change, its outcome unknown:
    another round would only fail again (the rounds went on, unseen, for minutes after
    Ctrl-C)."""
    try:
        return reread(cause)
    except J1SyncError as exc:
        raise OutcomeUnknown(_unknown_because(cause, exc)) from exc


def _unknown_because(cause: J1SyncError, reread_error: J1SyncError) -> str:
    """`no answer in time: it may or may not have been made; …` and, in brackets, the
    mutation's error (naming its request) and the re-read's."""
    return (
        f"{_lost(cause)}: it may or may not have been made; the next apply finds it by name "
        f"({cause}; re-reading it failed too: {reread_error})"
    )


def _answer_lost(error: J1SyncError) -> bool:
    """An answer that may have followed the request's effect was lost (a timeout, a lost
    connection, a 5xx), also once retries of a read spent their budget on such answers."""
    if isinstance(error, RetryBudgetExceeded):
        return isinstance(error.__cause__, TransientError)
    return isinstance(error, TransientError)


def _lost(error: J1SyncError) -> str:
    """What became of a request's answer (`_answer_lost`), in a few words."""
    if isinstance(error, RetryBudgetExceeded) and isinstance(error.__cause__, J1SyncError):
        error = error.__cause__
    if isinstance(error, ApiError) and error.status is not None:
        return f"the API answered HTTP {error.status}"
    if isinstance(error.__cause__, requests.Timeout):
        return "no answer in time"
    return "the connection was lost before the answer"


def create(kind: ResourceKind, desired: DesiredObject, resolver: RunResolver) -> Done:
    def reread(cause: TransientError) -> Done | Retry:
        found = kind.find(desired.name)
        if len(found) > 1:
            raise NotApplied(
                f"{len(found)} objects named {desired.name!r} exist after an ambiguous "
                f"failure ({cause}); not retrying"
            ) from cause
        if not found:
            return Retry.AGAIN
        # It happened. A create of several requests (an IAM group, then its members) may
        # have happened only in part: finish it as an update of what is there, with the
        # update's own re-read rounds (each finishing request may be ambiguous too).
        if not _matches(kind, found[0], desired):
            try:
                update(kind, found[0], desired, resolver)
            except (J1SyncError, OutcomeUnknown) as exc:  # the update's own: not a re-read
                raise NotApplied(
                    f"{cause}; re-reading found it made, but finishing it failed ({exc}): "
                    "the next apply finishes it"
                ) from exc
        return Done(found[0].id, f"confirmed by re-reading after: {cause}")

    try:
        return _reread_then_retry(lambda: Done(kind.create(desired, resolver)), reread)
    except TransientError:  # not made, as re-reading found
        raise
    except J1SyncError as exc:
        made = _made_in_part(kind, desired, exc)
        if made is None:
            raise
        raise made from exc


def _made_in_part(
    kind: ResourceKind, desired: DesiredObject, exc: J1SyncError
) -> NotApplied | None:
    """A create refused for good may have been refused after its first request took
    effect (an IAM group made, adding its members refused; an OpenCTI role made, a
    capability refused): apply's report said `failed create` and counted nothing made,
    while the account held the object. Re-read by name: found, the failure says so, and
    that someone else may have made it (None: not found, or the re-read failed too: the
    refusal is what is known). A create that ended because an answer was lost (a read
    after its write), whose re-read fails too, may or may not have been made."""
    try:
        found = kind.find(desired.name)
    except J1SyncError as reread_error:
        if _answer_lost(exc):
            return OutcomeUnknown(_unknown_because(exc, reread_error))
        return None  # the refusal is what is known; a failing re-read must not hide it
    except Exception:
        return None
    if not found:
        return None
    # Made by this create's first request, most likely; or by someone else since the plan
    # (a create refused because the name is taken): the re-read cannot tell which.
    return NotApplied(
        f"{exc}; yet {desired.address} exists now: made in part (its first request took "
        "effect), or by someone else since the plan; the next apply finishes it"
    )


def update(
    kind: ResourceKind, live: LiveObject, desired: DesiredObject, resolver: RunResolver
) -> Done:
    target = live
    closest: tuple[int, int] | None = None  # the least distance seen, computed when needed

    def mutate() -> Done:
        kind.update(target, desired, resolver)
        return Done(target.id)

    def reread(cause: TransientError) -> Done | Retry:
        nonlocal target, closest
        fresh = _one(kind, desired.name, cause)
        if _matches(kind, fresh, desired):
            return Done(fresh.id, f"confirmed by re-reading after: {cause}")
        target = fresh
        if closest is None:
            closest = _distance(live, desired)
        now = _distance(fresh, desired)
        if now < closest:
            closest = now
            return Retry.CLOSER
        return Retry.AGAIN

    return _reread_then_retry(mutate, reread)


def delete(kind: ResourceKind, live: LiveObject) -> Done:
    """Delete `live`. One the API says is not found (deleted by someone else since the
    account was read) is re-read by name: when it is gone, the change is done (its goal
    holds; apply does not fail on it), else the error stands."""
    target = live

    def mutate() -> Done:
        try:
            kind.delete(target)
        except NotFound as exc:
            if any(obj.id == live.id for obj in kind.find(live.name)):
                raise
            return Done(live.id, f"already gone: {exc}")
        return Done(live.id)

    def reread(cause: TransientError) -> Done | Retry:
        nonlocal target
        still_there = [obj for obj in kind.find(live.name) if obj.id == live.id]
        if not still_there:
            return Done(live.id, f"confirmed gone by re-reading after: {cause}")
        target = still_there[0]
        return Retry.AGAIN

    return _reread_then_retry(mutate, reread)


def _matches(kind: ResourceKind, live: LiveObject, desired: DesiredObject) -> bool:
    """Equal in every field the desired state manages (as the plan compares them), or
    holding, by the kind's own record, what the re-read cannot show."""
    if comparable_live_state(live, desired) == desired.state:
        return True
    return isinstance(kind, ConfirmsUnreadable) and kind.holds(live, desired)


def _distance(live: LiveObject, desired: DesiredObject) -> tuple[int, int]:
    """How far the live object is from the desired state, as the plan compares them."""
    return distance(comparable_live_state(live, desired), desired.state)


def _one(kind: ResourceKind, name: str, cause: Exception) -> LiveObject:
    found = kind.find(name)
    if len(found) != 1:
        raise NotApplied(
            f"{len(found)} objects named {name!r} found after an ambiguous failure "
            f"({cause}); not retrying"
        ) from cause
    return found[0]
