"""One change against the provider, with the rule for ambiguous failures (DESIGN §8).

A TransientError after the client's own retries means the mutation may have happened.
It is never retried blindly: the object is re-read by its natural key first, so a create
never runs twice and an update is re-sent against the object as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass

from j1sync.engine.contract import DesiredObject, LiveObject, ResourceKind
from j1sync.errors import TransientError
from j1sync.executor.resolution import RunResolver


@dataclass(frozen=True)
class Done:
    """A mutation that took effect: the object's id and how we know."""

    id: str | None
    message: str = ""


class NotApplied(Exception):
    """A change that could not be made safely; the message says why."""


def create(kind: ResourceKind, desired: DesiredObject, resolver: RunResolver) -> Done:
    try:
        return Done(kind.create(desired, resolver))
    except TransientError as exc:
        found = kind.find(desired.name)
        if len(found) == 1:
            return Done(found[0].id, f"confirmed by re-reading after: {exc}")
        if found:
            raise NotApplied(
                f"{len(found)} objects named {desired.name!r} exist after an ambiguous "
                f"failure ({exc}); not retrying"
            ) from exc
        return Done(kind.create(desired, resolver), f"retried once after: {exc}")


def update(
    kind: ResourceKind, live: LiveObject, desired: DesiredObject, resolver: RunResolver
) -> Done:
    try:
        kind.update(live, desired, resolver)
        return Done(live.id)
    except TransientError as exc:
        fresh = _one(kind, desired.name, exc)
        if fresh.state == desired.state:
            return Done(fresh.id, f"confirmed by re-reading after: {exc}")
        kind.update(fresh, desired, resolver)
        return Done(fresh.id, f"retried once after: {exc}")


def delete(kind: ResourceKind, live: LiveObject) -> Done:
    try:
        kind.delete(live)
        return Done(live.id)
    except TransientError as exc:
        still_there = [obj for obj in kind.find(live.name) if obj.id == live.id]
        if not still_there:
            return Done(live.id, f"confirmed gone by re-reading after: {exc}")
        kind.delete(still_there[0])
        return Done(live.id, f"retried once after: {exc}")


def _one(kind: ResourceKind, name: str, cause: Exception) -> LiveObject:
    found = kind.find(name)
    if len(found) != 1:
        raise NotApplied(
            f"{len(found)} objects named {name!r} found after an ambiguous failure "
            f"({cause}); not retrying"
        ) from cause
    return found[0]
