"""A plan's live fingerprints let no one test guesses of a secret the live state holds.
A saved plan held each change's fingerprint and the salt that keyed it, so anyone with
the file could put a guess of a masked value in the plan's `before`, fingerprint it with
the file's salt and compare (a web hook's `Bearer ${env:HOOK_TOKEN}` set to `Summer2024!`
was found so); `plan --format json` printed both too. Now a saved plan's fingerprints are
keyed again with its stretched signing key, which the file does not hold, and a printed
plan holds neither fingerprints nor salt; `apply --plan` still refuses a plan whose
object's secret changed since, and applies one whose account is as it was."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jupiterone import JupiterOneClient

from j1sync.cli import cli
from j1sync.engine.contract import LiveObject
from j1sync.engine.fingerprint import live_fingerprint
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

TOKEN = "Summer2024!"
GUESSES = ("password", "hunter2", "Winter2023!", TOKEN, "Autumn2024!")
ENDPOINT = "https://hooks.example.com/in"
ADDRESS = "AlertRule/hook-rule"

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hook-rule
spec:
  description: DESCRIPTION
  question:
    queries:
      - name: q
        query: Find Host
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.q.total, ">", 0]]
      actions:
        - type: WEBHOOK
          endpoint: "ENDPOINT"
          method: POST
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
"""
ENV = {"HOOK_TOKEN": TOKEN, "J1SYNC_PLAN_KEY": "a plan key for this test"}


class HookAccount(Account):
    def describe(self, description: str) -> None:
        rule = RULE.replace("ENDPOINT", ENDPOINT).replace("DESCRIPTION", description)
        self.write("rules/hook-rule.yaml", rule)

    def plan_out(self, plan_file: Path) -> dict[str, Any]:
        saved = self.run("plan", self.manifests, "--out", str(plan_file), env=ENV)
        assert saved.exit_code == 0, saved.output
        return json.loads(plan_file.read_text(encoding="utf-8"))  # type: ignore[no-any-return]

    def apply_plan(self, plan_file: Path, *, asked: bool = False) -> Result:
        """`apply --plan`, approved up front or (`asked`) at the question: the account is
        then read again and the plan checked once more."""
        if asked:
            return CliRunner().invoke(
                cli, ["apply", "--plan", str(plan_file)], input="yes\n", env={**self.env(), **ENV}
            )
        return self.run("apply", "--plan", str(plan_file), "--auto-approve", env=ENV)


@pytest.fixture
def acc(tmp_path: Path) -> Iterator[HookAccount]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=7) as emu:
        account = HookAccount(emu=emu, tmp_path=tmp_path)
        account.describe("first")
        applied = account.run("apply", account.manifests, "--auto-approve", env=ENV)
        assert applied.exit_code == 0, applied.output
        account.describe("second")
        yield account


def found_by_guessing(document: dict[str, Any]) -> list[str]:
    """The guesses that fingerprint as the plan's `before`, with the masked endpoint
    (known) and header (the guess) put back, fingerprinted with the document's salt: what
    anyone holding the document could try."""
    [change] = [c for c in document["changes"] if c["address"] == ADDRESS]
    salt, fingerprint = document.get("fingerprint_salt"), change.get("live_fingerprint")
    if not salt or not fingerprint:
        return []
    found = []
    for guess in GUESSES:
        state = copy.deepcopy(change["before"])
        action = state["operations"][0]["actions"][0]
        action["endpoint"] = ENDPOINT
        action["headers"]["Authorization"] = f"Bearer {guess}"
        live = LiveObject(kind=change["kind"], name=change["name"], id=change["id"], state=state)
        if live_fingerprint(live, salt) == fingerprint:
            found.append(guess)
    return found


def test_no_guess_of_a_masked_secret_can_be_tested_against_a_plan(
    acc: HookAccount, tmp_path: Path
) -> None:
    saved = acc.plan_out(tmp_path / "plan.json")
    printed = acc.run("plan", acc.manifests, "--format", "json", env=ENV)
    assert printed.exit_code == 0, printed.output
    for document in (saved, json.loads(printed.stdout)):
        assert found_by_guessing(document) == []
    printed_change = json.loads(printed.stdout)["changes"][0]
    assert "live_fingerprint" not in printed_change
    assert "fingerprint_salt" not in json.loads(printed.stdout)


@pytest.mark.parametrize("asked", [False, True], ids=["auto-approved", "asked"])
def test_a_saved_plan_applies_while_the_account_is_as_it_was(
    acc: HookAccount, tmp_path: Path, asked: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("j1sync.commands._common.stdin_is_terminal", lambda: True)
    plan_file = tmp_path / "plan.json"
    acc.plan_out(plan_file)
    applied = acc.apply_plan(plan_file, asked=asked)
    assert applied.exit_code == 0, applied.output
    [rule] = acc.emu.snapshot()["rules"]
    assert rule["description"] == "second"


def test_a_secret_changed_in_the_account_since_the_plan_makes_it_stale(
    acc: HookAccount, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    acc.plan_out(plan_file)
    client = JupiterOneClient(
        account=acc.emu.account, token=acc.emu.api_key, url=acc.emu.graphql_url
    )
    [rule] = [r for r in client.list_alert_rules() if r["name"] == "hook-rule"]
    hook = {
        "type": "WEBHOOK",
        "endpoint": ENDPOINT,
        "method": "POST",
        "headers": {"Authorization": "Bearer Autumn2024!"},
    }
    client.update_alert_rule(
        rule_id=rule["id"],
        action_configs=[hook],
        action_configs_op="OVERWRITE",
        ignore_previous_results=False,
    )
    stale = acc.apply_plan(plan_file)
    assert stale.exit_code == 1, stale.output
    assert f"{ADDRESS}: changed since the plan was made" in stale.output
    assert "Autumn2024!" not in stale.output and TOKEN not in stale.output
