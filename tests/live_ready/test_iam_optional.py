"""Issue 10.2: the IAM API (beta, SSO accounts only, enabled by support, accessAdmin) is
read only when the run needs it: a repository of questions and rules plans, applies and
drifts against an account without IAM, or with a key that may not use it; when IAM is
needed and refused, the error says what IAM needs, not "check the API key"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

QUESTIONS_AND_RULES = """\
apiVersion: j1sync/v1
kind: Question
metadata: {name: hosts}
spec:
  title: Hosts
  queries: [{name: query0, query: Find Host}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: hosts-alert}
spec:
  questionRef: hosts
  operations:
    - when: {condition: [AND, [queries.query0.total, ">", 0]]}
      actions: [{type: CREATE_ALERT}]
"""
GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata: {name: auditors}
spec:
  description: read only
  abacPermissions: [readGraph]
"""
IAM_FIELDS = ("iamGroups", "iamGroupUsers", "iamGetGroup", "iamGroupQueryPolicy")
SWITCHES = ["iam_enabled", "iam_key_permitted"]


# An account with IAM groups and nothing j1sync manages yet.
SEED = {
    "iamGroups": [
        {"name": "Users", "description": "", "abacPermissions": ["fullReadAccess"]},
        {"name": "Administrators", "description": "", "abacPermissions": ["accessAdmin"]},
        {"name": "contractors", "description": "by hand", "abacPermissions": ["readGraph"]},
    ],
}


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def without_iam(account: Account, switch: str) -> None:
    setattr(account.emu.switches, switch, False)


def iam_requests(account: Account) -> int:
    return sum(account.emu.stats.requests[name] for name in IAM_FIELDS)


@pytest.mark.parametrize("switch", SWITCHES)
def test_questions_and_rules_plan_apply_and_drift_without_iam(
    account: Account, switch: str
) -> None:
    without_iam(account, switch)
    account.write("all.yaml", QUESTIONS_AND_RULES)
    planned = account.run("plan", account.manifests, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "+ Question/hosts" in planned.output and "+ AlertRule/hosts-alert" in planned.output
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 0, drift.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert iam_requests(account) == 0


@pytest.mark.parametrize("switch", SWITCHES)
def test_a_saved_plan_of_questions_applies_without_iam(
    account: Account, switch: str, tmp_path: Path
) -> None:
    without_iam(account, switch)
    account.write("all.yaml", QUESTIONS_AND_RULES)
    saved = tmp_path / "plan.json"
    planned = account.run("plan", account.manifests, "--out", str(saved))
    assert planned.exit_code == 0, planned.output
    applied = account.run("apply", "--plan", str(saved), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert iam_requests(account) == 0


@pytest.mark.parametrize(
    ("switch", "said"),
    [("iam_enabled", "IAM API is not enabled"), ("iam_key_permitted", "accessAdmin")],
)
def test_an_iam_group_manifest_on_an_account_without_iam_says_what_iam_needs(
    account: Account, switch: str, said: str
) -> None:
    without_iam(account, switch)
    account.write("all.yaml", QUESTIONS_AND_RULES)
    account.write("groups/auditors.yaml", GROUP)
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1
    message = result.stderr
    assert "refused an IAM API request" in message and said in message
    for need in ("SSO", "enabled by JupiterOne support", "accessAdmin"):
        assert need in message
    assert "JUPITERONE_API_KEY" not in message
    assert "Traceback" not in result.output


def test_iam_groups_are_read_when_j1sync_yaml_prunes_them(account: Account) -> None:
    account.write("all.yaml", QUESTIONS_AND_RULES)
    account.write("j1sync.yaml", "prune:\n  IamGroup: true\n")
    result = account.run("plan", account.manifests)
    assert result.exit_code == 3, result.output  # deletes every managed group: blocked
    assert "- IamGroup/contractors" in result.output  # no manifest, prune enabled
    assert account.emu.stats.requests["iamGroups"] >= 1


def test_iam_groups_are_not_read_for_questions_and_rules(account: Account) -> None:
    account.write("all.yaml", QUESTIONS_AND_RULES)
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert all(u["kind"] != "IamGroup" for u in plan["unmanaged"])
    assert iam_requests(account) == 0
    assert account.emu.stats.requests["integrationInstances"] == 0  # not declared either


def test_a_kind_the_quick_scan_misses_is_read_after_the_load(account: Account) -> None:
    """The scan that starts reads before the manifests load sees block-style `kind:`
    lines only; a flow-style IamGroup manifest is found by the load, and read then."""
    account.write("all.yaml", QUESTIONS_AND_RULES)
    account.write(
        "groups.yaml",
        "{apiVersion: j1sync/v1, kind: IamGroup, metadata: {name: auditors},"
        " spec: {abacPermissions: [readGraph]}}\n",
    )
    result = account.run("plan", account.manifests)
    assert result.exit_code == 0, result.output
    assert "+ IamGroup/auditors" in result.output
    assert account.emu.stats.requests["iamGroups"] >= 1


def test_export_of_some_kinds_reads_only_those(account: Account, tmp_path: Path) -> None:
    without_iam(account, "iam_enabled")
    out = tmp_path / "exported"
    result = account.run("export", "--kind", "Question", "--kind", "AlertRule", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert iam_requests(account) == 0


def test_export_of_every_kind_without_iam_names_the_way_out(
    account: Account, tmp_path: Path
) -> None:
    without_iam(account, "iam_key_permitted")
    result = account.run("export", "--out", str(tmp_path / "exported"))
    assert result.exit_code == 1
    assert "accessAdmin" in result.stderr and "--kind" in result.stderr
