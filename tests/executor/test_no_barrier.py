"""Apply starts each change as soon as its own dependencies are done: no level waits for
the slowest change of the level before. Shown with gates the test opens, never timings."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.connection import ConnectionOptions
from j1sync.engine.contract import DesiredObject, PrunePolicy
from j1sync.engine.model import Plan
from j1sync.engine.order import levels
from j1sync.engine.plan import build_plan
from j1sync.executor import ApplyEvent, ApplyResult, apply_plan
from j1sync.providers.jupiterone import JupiterOneProvider
from j1sync.providers.jupiterone.client import POOL_SIZE
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.jupiterone.system import open_provider
from tests.engine.builders import KINDS, PROJECT, want
from tests.executor.fake_provider import FakeProvider
from tests.reliability.account import (
    ACCOUNT,
    API_KEY,
    FaultAccount,
    build_account,
    connection_env,
    duplicates,
)

CHAIN: dict[str, PrunePolicy] = {"A": "never", "B": "never", "C": "never", "Slow": "never"}


class Recorder:
    """Every event as (type, address), and actions to take when a given one arrives."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.when: dict[tuple[str, str], Callable[[], None]] = {}

    def __call__(self, event: ApplyEvent) -> None:
        address = event.change.address if event.change else None
        self.seen.append((event.type, address))
        if address is not None and (action := self.when.get((event.type, address))):
            action()

    def index(self, type_: str, address: str) -> int:
        return self.seen.index((type_, address))


def planned(
    provider: FakeProvider, desired: list[DesiredObject], kinds: dict[str, PrunePolicy]
) -> Plan:
    return build_plan(desired, provider.read_live(), kinds, PROJECT, provider.account, {})


def test_a_change_starts_when_its_dependencies_are_done_while_an_earlier_level_still_runs() -> None:
    provider = FakeProvider(KINDS)
    release_slow = provider.faults.held_until["slow"] = threading.Event()
    desired = [
        want("Question", "slow"),
        want("Question", "q"),
        want("AlertRule", "r", depends_on=("Question/q",)),
    ]
    plan = planned(provider, desired, KINDS)
    assert [[c.address for c in level] for level in levels(plan.changes)] == [
        ["Question/q", "Question/slow"],
        ["AlertRule/r"],
    ]
    events = Recorder()
    events.when[("change_started", "AlertRule/r")] = release_slow.set
    result = apply_plan(plan, provider, [], concurrency=2, on_event=events)
    assert result.ok, result.outcomes
    # the rule of level 2 started while the slow question of level 1 was still held
    assert events.index("change_started", "AlertRule/r") < events.index(
        "change_finished", "Question/slow"
    )


def test_a_failure_skips_its_dependents_transitively_while_unrelated_work_runs() -> None:
    provider = FakeProvider(CHAIN)
    provider.faults.fail.add("a")
    release_slow = provider.faults.held_until["slow"] = threading.Event()
    desired = [
        want("Slow", "slow"),
        want("A", "a"),
        want("B", "b", depends_on=("A/a",)),
        want("C", "c", depends_on=("B/b",)),
    ]
    events = Recorder()
    events.when[("change_finished", "C/c")] = release_slow.set
    result = apply_plan(planned(provider, desired, CHAIN), provider, [], on_event=events)
    by_address = {o.address: o for o in result.outcomes}
    assert {a: o.status for a, o in by_address.items()} == {
        "A/a": "failed",
        "B/b": "skipped",
        "C/c": "skipped",
        "Slow/slow": "applied",
    }
    assert by_address["B/b"].message == "depends on A/a (failed)"
    assert by_address["C/c"].message == "depends on B/b (skipped)"
    assert events.index("change_finished", "C/c") < events.index("change_finished", "Slow/slow")
    assert ("change_started", "B/b") not in events.seen
    assert [line for line in provider.log if not line.startswith("create Slow")] == ["create A/a"]


def test_once_stopped_no_change_starts_though_its_dependencies_are_done() -> None:
    """Stop comes while a slow change is in flight and another has just finished: the
    dependent of the finished one never starts; the slow one finishes and counts."""
    provider = FakeProvider(KINDS)
    release_slow = provider.faults.held_until["slow"] = threading.Event()
    release_q = provider.faults.held_until["q"] = threading.Event()
    stop = threading.Event()
    desired = [
        want("Question", "slow"),
        want("Question", "q"),
        want("AlertRule", "r", depends_on=("Question/q",)),
    ]

    def interrupt() -> None:
        stop.set()
        release_slow.set()

    events = Recorder()
    events.when[("change_started", "Question/slow")] = release_q.set
    events.when[("change_finished", "Question/q")] = interrupt
    plan = planned(provider, desired, KINDS)
    result = apply_plan(plan, provider, [], concurrency=2, on_event=events, stop=stop)
    assert result.interrupted
    statuses = {o.address: (o.status, o.message) for o in result.outcomes}
    assert statuses["Question/slow"][0] == "applied"
    assert statuses["Question/q"][0] == "applied"
    assert statuses["AlertRule/r"] == ("skipped", "not started: apply was interrupted")
    assert ("change_started", "AlertRule/r") not in events.seen
    assert ("change_finished", "AlertRule/r") in events.seen
    assert "create AlertRule/r" not in provider.log


def mixed_plan(provider: FakeProvider) -> Plan:
    desired = [
        want("AlertRule", "r1", depends_on=("Question/q2",)),
        want("Question", "q1"),
        want("AlertRule", "r2"),
        want("Question", "q2"),
        want("AlertRule", "r3", depends_on=("Question/q1", "Question/q2")),
        want("Question", "q3"),
    ]
    return planned(provider, desired, KINDS)


def test_at_concurrency_1_changes_run_in_the_order_of_the_levels() -> None:
    provider = FakeProvider(KINDS)
    plan = mixed_plan(provider)
    flattened = [c.address for level in levels(plan.changes) for c in level]
    result = apply_plan(plan, provider, [], concurrency=1)
    assert [line.removeprefix("create ") for line in provider.log] == flattened
    assert [o.address for o in result.outcomes] == flattened


def test_outcomes_are_listed_in_the_same_order_at_any_concurrency() -> None:
    def outcome_order(concurrency: int) -> list[str]:
        provider = FakeProvider(KINDS)
        result: ApplyResult = apply_plan(
            mixed_plan(provider), provider, [], concurrency=concurrency
        )
        assert result.ok
        return [o.address for o in result.outcomes]

    assert outcome_order(6) == outcome_order(1)


# -- through the CLI and the emulator --------------------------------------------------


@pytest.fixture
def emulated(tmp_path: Path) -> Iterator[tuple[Emulator, FaultAccount]]:
    account = build_account(tmp_path)
    with running_emulator(seed=account.seed, api_key=API_KEY, account=ACCOUNT, page_size=7) as emu:
        yield emu, account


def test_apply_of_creates_updates_and_deletes_with_dependencies_converges(
    emulated: tuple[Emulator, FaultAccount],
) -> None:
    emu, account = emulated
    env = connection_env(emu.url)
    manifests = str(account.manifests_dir)
    runner = CliRunner()
    applied = runner.invoke(
        cli, ["apply", manifests, "--auto-approve", "--concurrency", "32"], env=env
    )
    assert applied.exit_code == 0, applied.output
    assert " 0 failed" in applied.output
    again = runner.invoke(cli, ["plan", manifests, "--detailed-exitcode"], env=env)
    assert again.exit_code == 0, again.output
    assert duplicates(emu.snapshot()) == {}


@pytest.mark.parametrize(("concurrency", "ceiling"), [(1, POOL_SIZE), (32, 32)])
def test_the_clients_in_flight_ceiling_follows_apply_concurrency(
    emulated: tuple[Emulator, FaultAccount],
    monkeypatch: pytest.MonkeyPatch,
    concurrency: int,
    ceiling: int,
) -> None:
    emu, _ = emulated
    for name, value in connection_env(emu.url).items():
        monkeypatch.setenv(name, value)
    options = ConnectionOptions(
        flags={"api_url": emu.url, "account": ACCOUNT}, concurrency=concurrency
    )
    with open_provider(options) as provider:
        assert isinstance(provider, JupiterOneProvider)
        assert provider.client.concurrency.maximum == ceiling
