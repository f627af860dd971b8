"""An in-memory test double of a provider: kinds that keep objects in a dict and can be
told to fail, to commit-then-lose-the-response, to take a while (to measure concurrency)
or to wait for a gate the test opens (to see what runs while a change is still going)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from j1sync.engine.contract import (
    DesiredObject,
    LiveObject,
    PrunePolicy,
    Resolver,
    ResourceKind,
)
from j1sync.errors import ApiError, TransientError
from j1sync.manifest.document import Manifest, ProjectConfig


@dataclass
class Faults:
    fail: set[str] = field(default_factory=set)  # names whose mutations raise ApiError
    lose_response: set[str] = field(default_factory=set)  # commit, then TransientError once
    transient_before: set[str] = field(default_factory=set)  # TransientError, nothing done
    # names whose mutations wait until the test sets the event
    held_until: dict[str, threading.Event] = field(default_factory=dict)


# A held mutation that is never released fails after this long, so a broken test fails
# instead of hanging (no test relies on the time).
GATE_TIMEOUT_S = 30.0


class InFlight:
    def __init__(self) -> None:
        self.now = 0
        self.max = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.max = max(self.max, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


class FakeKind:
    def __init__(
        self, kind: str, prune: PrunePolicy, provider: FakeProvider, delay: float = 0.0
    ) -> None:
        self.kind = kind
        self.prune: PrunePolicy = prune
        self.provider = provider
        self.delay = delay
        self.objects: dict[str, LiveObject] = {}
        self.calls: list[tuple[str, str]] = []
        self.received: list[DesiredObject] = []

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        return DesiredObject(self.kind, manifest.name, manifest.spec_data())

    def _mutate(self, verb: str, name: str) -> None:
        faults = self.provider.faults
        with self.provider.in_flight:
            time.sleep(self.delay)
            gate = faults.held_until.get(name)
            if gate is not None and not gate.wait(GATE_TIMEOUT_S):
                raise AssertionError(f"{name} was held and never released")
            self.calls.append((verb, name))
            self.provider.log.append(f"{verb} {self.kind}/{name}")
            if name in faults.fail:
                raise ApiError(f"BAD_USER_INPUT: {name} rejected", code="BAD_USER_INPUT")
            if name in faults.transient_before:
                faults.transient_before.discard(name)
                raise TransientError("502 Bad Gateway", status=502)

    def _lost(self, name: str) -> None:
        if name in self.provider.faults.lose_response:
            self.provider.faults.lose_response.discard(name)
            raise TransientError("connection reset by peer")

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        refs = {dep: resolver.id_of(dep) for dep in desired.depends_on}
        self._mutate("create", desired.name)
        self.received.append(desired)
        new_id = f"{self.kind.lower()}-{next(self.provider.ids)}"
        state = {**desired.state, **({"refs": refs} if refs else {})}
        self.objects[new_id] = LiveObject(self.kind, desired.name, new_id, state, managed=True)
        self._lost(desired.name)
        return new_id

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        self._mutate("update", desired.name)
        self.received.append(desired)
        assert live.id is not None
        self.objects[live.id] = replace(live, state=dict(desired.state))
        self._lost(desired.name)

    def delete(self, live: LiveObject) -> None:
        self._mutate("delete", live.name)
        assert live.id is not None
        self.objects.pop(live.id, None)
        self._lost(live.name)

    def find(self, name: str) -> list[LiveObject]:
        self.calls.append(("find", name))
        return [obj for obj in self.objects.values() if obj.name == name]


class FakeProvider:
    account = "fake-account"

    def __init__(self, kinds: dict[str, PrunePolicy], delay: float = 0.0) -> None:
        self.faults = Faults()
        self.in_flight = InFlight()
        self.ids = itertools.count(1)
        self.log: list[str] = []
        self._kinds = {name: FakeKind(name, prune, self, delay) for name, prune in kinds.items()}
        self.kinds: Sequence[ResourceKind] = list(self._kinds.values())

    def kind(self, name: str) -> FakeKind:
        return self._kinds[name]

    def seed(self, obj: LiveObject) -> LiveObject:
        assert obj.id is not None
        self._kinds[obj.kind].objects[obj.id] = obj
        return obj

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        return [
            obj
            for kind in self._kinds.values()
            if kinds is None or kind.kind in kinds
            for obj in kind.objects.values()
        ]

    def state(self, kind: str) -> dict[str, dict[str, Any]]:
        return {obj.name: obj.state for obj in self._kinds[kind].objects.values()}
