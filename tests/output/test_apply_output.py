"""What apply prints, through the CLI against the emulator: in CI (no terminal) the plan's
summary line, one line per change as it completes, one closing line; failures and skipped
changes with their reason; the whole plan only when asked or when apply asks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.examples import jupiterone_examples

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())
CHANGE_LINE = re.compile(
    r"^(created|updated|deleted) (\w+/\S.*\S|\w+/\S)$"
)  # names may hold spaces

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: {name}
spec:
  title: {name}
  queries:
    - name: query0
      query: Find User
"""

REF_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: {name}
spec:
  questionRef: {ref}
  operations:
    - when:
        condition: [AND, [queries.query0.total, ">", 0]]
      actions:
        - type: CREATE_ALERT
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    """The demo account: the examples create, update and delete in it."""
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


@pytest.fixture
def empty_account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def planned_addresses(account: Account, paths: str) -> set[str]:
    planned = account.run("plan", paths, "--format", "json")
    assert planned.exit_code == 0, planned.output
    return {c["address"] for c in json.loads(planned.stdout)["changes"] if c["action"] != "no-op"}


def test_in_ci_apply_prints_a_summary_one_line_per_change_and_a_closing_line(
    account: Account,
) -> None:
    addresses = planned_addresses(account, EXAMPLES)
    result = account.run("apply", EXAMPLES, "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Plan: ")  # the summary, not the whole plan
    changes = [CHANGE_LINE.match(line) for line in lines[1:-1]]
    assert all(changes), lines
    assert sorted(m.group(2) for m in changes if m) == sorted(addresses)  # each once
    assert lines[-1] == "Apply complete: 5 created, 5 updated, 1 deleted, 0 failed."
    assert "\x1b[" not in result.output


def test_in_ci_stderr_has_no_line_per_change(account: Account) -> None:
    result = account.run("apply", EXAMPLES, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        line
        for line in result.stderr.splitlines()
        if "account" in line  # reading ... / read
    ]
    assert "Question/" not in result.stderr and "AlertRule/" not in result.stderr


def test_a_failed_change_says_why_and_its_dependents_say_they_were_skipped(
    empty_account: Account,
) -> None:
    acc = empty_account
    acc.write("q.yaml", QUESTION.format(name="q-users"))
    acc.write("r.yaml", REF_RULE.format(name="r-users", ref="q-users"))
    acc.write("other.yaml", QUESTION.format(name="q-hosts"))
    acc.emu.switches.fail_mutation("createQuestion", match="q-users")
    result = acc.run("apply", acc.manifests, "--auto-approve")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    failed = [line for line in lines if line.startswith("failed  create Question/q-users: ")]
    assert len(failed) == 1 and len(failed[0]) > len("failed  create Question/q-users: "), lines
    assert "skipped create AlertRule/r-users: depends on Question/q-users (failed)" in lines
    assert "created Question/q-hosts" in lines
    assert lines[-1] == "Apply failed: 1 created, 0 updated, 0 deleted, 1 failed, 1 skipped."


def test_show_plan_prints_the_whole_plan_before_applying(account: Account) -> None:
    plan = account.run("plan", EXAMPLES)
    assert plan.exit_code == 0, plan.output
    result = account.run("apply", EXAMPLES, "--auto-approve", "--show-plan")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(plan.stdout)
    rest = result.stdout[len(plan.stdout) :].splitlines()
    assert all(CHANGE_LINE.match(line) for line in rest[:-1]), rest
    assert rest[-1].startswith("Apply complete: ")


def test_on_a_terminal_apply_shows_the_whole_plan_before_it_asks(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("j1sync.commands._common.stdin_is_terminal", lambda: True)
    plan = account.run("plan", EXAMPLES)
    asked = CliRunner().invoke(cli, ["apply", EXAMPLES], input="no\n", env=account.env())
    assert asked.exit_code == 1
    assert asked.stdout.startswith(plan.stdout)
    assert "Only 'yes' will be accepted" in asked.stdout[len(plan.stdout) :]


def test_nothing_to_do_is_one_line(account: Account) -> None:
    assert account.run("apply", EXAMPLES, "--auto-approve").exit_code == 0
    again = account.run("apply", EXAMPLES, "--auto-approve")
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == ["No changes. The account matches the manifests."]
