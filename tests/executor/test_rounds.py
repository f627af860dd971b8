"""How many re-read rounds an update gets after ambiguous failures (executor/mutations.py):
rounds that show progress do not count, rounds that do not count up to AMBIGUOUS_ATTEMPTS,
and AMBIGUOUS_ROUNDS_MAX ends any change. The kind here commits part of an update per call
(as an OpenCTI role's capabilities are one call each) and then loses the answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from j1sync.engine.contract import DesiredObject, LiveObject, Resolver
from j1sync.errors import TransientError
from j1sync.executor import apply_plan, mutations
from tests.engine.builders import KINDS, have, want
from tests.executor.fake_provider import FakeKind, FakeProvider
from tests.executor.test_apply import planned


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    # a hundred rounds at the real backoff would take minutes; the count is what matters
    monkeypatch.setattr(mutations, "BACKOFF_INITIAL_S", 0.0001)
    monkeypatch.setattr(mutations, "BACKOFF_MAX_S", 0.0001)


def _commit_then_lose(kind: FakeKind, step: int) -> None:
    """Each update call commits `step` items of `items` (0: nothing), then its answer is
    lost."""

    def update(live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        kind.calls.append(("update", desired.name))
        assert live.id is not None
        held = list(kind.objects[live.id].state.get("items", []))
        missing = [i for i in desired.state["items"] if i not in held]
        kind.objects[live.id] = replace(live, state={"items": held + missing[:step]})
        raise TransientError("connection reset by peer")

    kind.update = update  # type: ignore[method-assign]


def _apply(wanted: int, step: int) -> tuple[str, int, int]:
    """(outcome status, update calls, items held) for an update adding `wanted` items."""
    provider = FakeProvider(KINDS)
    provider.seed(have("AlertRule", "r", "r1", managed=True, items=[]))
    kind = provider.kind("AlertRule")
    _commit_then_lose(kind, step)
    items = [f"i{n:03d}" for n in range(wanted)]
    plan = planned(provider, [want("AlertRule", "r", items=items)])
    (outcome,) = apply_plan(plan, provider, provider.read_live()).outcomes
    return (
        outcome.status,
        kind.calls.count(("update", "r")),
        len(provider.state("AlertRule")["r"]["items"]),
    )


def test_rounds_that_show_progress_do_not_count() -> None:
    # 30 calls, each lost: far more than AMBIGUOUS_ATTEMPTS, yet every re-read is closer
    status, calls, held = _apply(wanted=30, step=1)
    assert (status, calls, held) == ("applied", 30, 30)


def test_rounds_without_progress_end_the_change_after_the_attempts() -> None:
    status, calls, held = _apply(wanted=5, step=0)
    assert (status, calls, held) == ("failed", mutations.AMBIGUOUS_ATTEMPTS, 0)


def test_any_change_ends_after_the_most_rounds() -> None:
    wanted = mutations.AMBIGUOUS_ROUNDS_MAX + 20
    status, calls, held = _apply(wanted=wanted, step=1)
    assert (status, calls, held) == ("failed", mutations.AMBIGUOUS_ROUNDS_MAX, calls)
