"""Apply ~75 changes of every kind through injected faults; afterwards the account
converges, nothing is duplicated, nothing unmanaged changed, the secret parameter holds its
value, rules and boards sit in their resource groups (boards showing their questions), and
the exit code tells the truth."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.engine.contract import Provider
from j1sync.engine.plan import plan_has_changes
from j1sync.executor import apply_plan
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.jupiterone.settings import Settings
from j1sync.reconcile import Connect, connect_and_plan
from tests.reliability.account import (
    ACCOUNT,
    API_KEY,
    RULE_GROUPS,
    SECRET_VALUE,
    SECRET_VARIABLE,
    UNMANAGED_COUNT,
    FaultAccount,
    build_account,
    connection_env,
    duplicates,
    unmanaged_bytes,
)

FAULTS: dict[str, dict[str, Any]] = {
    "429 on 30% of requests": {"rate_429": 0.3},
    "5xx on 10% of requests": {"fail_rate": 0.1},
    "30% of mutations commit, then lose their response": {"lose_responses": 0.3},
    "429s, 5xx and lost responses together": {
        "rate_429": 0.2,
        "fail_rate": 0.05,
        "lose_responses": 0.2,
    },
}


@pytest.fixture
def faulty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Emulator, FaultAccount]]:
    monkeypatch.setenv(SECRET_VARIABLE, SECRET_VALUE)  # for plans made without the CLI
    account = build_account(tmp_path)
    with running_emulator(
        seed=account.seed, api_key=API_KEY, account=ACCOUNT, page_size=7, rng_seed=11
    ) as emu:
        yield emu, account


def cli_run(emu: Emulator, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=connection_env(emu.url))


def set_faults(emu: Emulator, **switches: Any) -> None:
    for name, value in switches.items():
        setattr(emu.switches, name, value)


def assert_converged_and_clean(emu: Emulator, account: FaultAccount, before: dict[str, bytes]):
    """The checks every scenario ends with (faults switched off first)."""
    set_faults(emu, rate_429=0.0, fail_rate=0.0, lose_responses=0.0, spike_rate=0.0)
    emu.switches.clear_failures()
    plan = cli_run(emu, "plan", str(account.manifests_dir), "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    snapshot = emu.snapshot()
    assert duplicates(snapshot) == {}
    assert unmanaged_bytes(snapshot) == before
    # what the plan cannot see: a secret's value, and group ids behind the names
    parameters = {p["name"]: p for p in snapshot["parameters"]}
    assert (parameters["new_secret"]["value"], parameters["new_secret"]["secret"]) == (
        SECRET_VALUE,
        True,
    )
    groups = {g["name"]: g["id"] for g in snapshot["resource_groups"]}
    joined = {r["name"]: r.get("resourceGroupId") for r in snapshot["rules"]}
    assert {rule: joined[rule] for rule in RULE_GROUPS} == {
        rule: groups[group] for rule, group in RULE_GROUPS.items()
    }
    board = next(
        b for b in snapshot["dashboards"] if b["name"] == "new-board-0" and b["type"] == "Account"
    )
    questions = {q["name"]: q["id"] for q in snapshot["questions"]}
    assert board["resourceGroupId"] == groups["new-resource-group-0"]
    shown = {w["id"]: w["questionId"] for w in board["widgets"]}
    assert shown == {"hosts": None, "saved": questions["new-question-00002"]}


def test_the_account_has_enough_changes_for_faults_to_hit(faulty: Any) -> None:
    emu, account = faulty
    plan = cli_run(emu, "plan", str(account.manifests_dir), "--detailed-exitcode")
    assert plan.exit_code == 2, plan.output
    found = re.search(r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete", plan.output)
    assert found, plan.output
    creates, updates, deletes = (int(n) for n in found.groups())
    assert creates >= 40 and updates >= 13 and deletes >= 3
    for change in (
        "+ Parameter/new_secret",
        "~ Parameter/old_threshold",
        "+ ResourceGroup/new-resource-group-0",
        "~ ResourceGroup/old-resource-group",
        "+ Dashboard/new-board-0",
        "~ Dashboard/old-board",
    ):
        assert change in plan.output
    assert "unmanaged" in plan.output


@pytest.mark.parametrize("faults", list(FAULTS.values()), ids=list(FAULTS))
def test_apply_through_faults_converges_without_duplicates(
    faulty: Any, faults: dict[str, Any]
) -> None:
    emu, account = faulty
    before = unmanaged_bytes(emu.snapshot())
    assert len(before) == UNMANAGED_COUNT
    set_faults(emu, **faults)
    applied = cli_run(emu, "apply", str(account.manifests_dir), "--auto-approve")
    failed = failed_count(applied.output) > 0
    if "fail_rate" not in faults:
        # 429s are retried and lost responses re-read: everything must go through.
        assert applied.exit_code == 0, applied.output
    else:
        # A 5xx may strike every round of one change: then, and only then, exit 1.
        assert applied.exit_code == (1 if failed else 0), applied.output
    assert "Traceback" not in applied.output
    if applied.exit_code != 0:
        again = cli_run(emu, "apply", str(account.manifests_dir), "--auto-approve")
        assert again.exit_code == 0, again.output
    assert emu.stats.total > 100  # the faults were met and retried
    assert_converged_and_clean(emu, account, before)


def test_a_change_that_keeps_failing_exits_1_and_skips_only_its_dependents(faulty: Any) -> None:
    emu, account = faulty
    before = unmanaged_bytes(emu.snapshot())
    emu.switches.rate_429 = 0.3
    emu.switches.fail_mutation("createQuestion", match="new-question-00000", mode="error")
    applied = cli_run(emu, "apply", str(account.manifests_dir), "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "Question/new-question-00000" in applied.output
    assert "skipped" in applied.output  # rules that reference it wait for the next run
    names = {q["name"] for q in emu.snapshot()["questions"]}
    assert "new-question-00001" in names and "new-question-00000" not in names
    emu.switches.clear_failures()
    again = cli_run(emu, "apply", str(account.manifests_dir), "--auto-approve")
    assert again.exit_code == 0, again.output
    assert_converged_and_clean(emu, account, before)


def test_timeouts_from_latency_spikes_are_resolved_by_rereading(faulty: Any) -> None:
    """A spike longer than the client's timeout: the mutation commits after the client
    gave up on it. The executor re-reads and must not create it again."""
    emu, account = faulty
    before = unmanaged_bytes(emu.snapshot())
    set_faults(emu, spike_rate=0.15, spike_ms=400)
    settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url, timeout=0.25)
    client = JupiterOneClient(settings, backoff_initial_s=0.01, backoff_max_s=0.1)
    provider = JupiterOneProvider(client)
    with connect_and_plan([str(account.manifests_dir)], _connect_to(provider)) as (_, run):
        result = apply_plan(run.plan, provider, run.live, concurrency=4)
    retried = [o for o in result.outcomes if "re-reading" in o.message]
    assert retried, "no spike hit a mutation: the test proves nothing"
    failed = [o for o in result.outcomes if o.status != "applied"]
    if failed:  # possible only when every round of one change timed out
        set_faults(emu, spike_rate=0.0)
        assert cli_run(emu, "apply", str(account.manifests_dir), "--auto-approve").exit_code == 0
    assert_converged_and_clean(emu, account, before)


def test_client_side_rate_limit_keeps_a_strict_server_happy(faulty: Any) -> None:
    """The server allows 40 requests a second; the client limits itself to 30/1 and is
    (almost) never answered 429."""
    emu, account = faulty
    emu.switches.rate_limit = (40, 1.0)
    settings = Settings(api_key=API_KEY, account=ACCOUNT, api_url=emu.url)
    client = JupiterOneClient(settings, backoff_initial_s=0.01, rate_limit="30/1")
    provider = JupiterOneProvider(client)
    with connect_and_plan([str(account.manifests_dir)], _connect_to(provider)) as (_, run):
        assert plan_has_changes(run.plan)
    assert client.concurrency.decreases == 0  # no 429 ever reached the AIMD limit


def _connect_to(provider: JupiterOneProvider) -> Connect:
    """The plan's connection: `provider`, closed when the plan's block ends."""

    @contextmanager
    def connect(project: ProjectConfig) -> Iterator[Provider]:
        with closing(provider):
            yield provider

    return connect


def failed_count(output: str) -> int:
    """From the closing line `Apply failed: N created, N updated, N deleted, N failed`."""
    found = re.search(r"Apply \w+: \d+ created, \d+ updated, \d+ deleted, (\d+) failed", output)
    assert found, output
    return int(found.group(1))
