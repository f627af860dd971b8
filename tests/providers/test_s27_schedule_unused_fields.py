"""An IntegrationSchedule's plan shows only what its apply changes: under an interval that
uses no hour (or no day), a stored hour or day is neither shown nor among the changed
paths, since apply leaves it in place (JupiterOne keeps it, the release note says, and
applies it again under ONE_DAY/ONE_WEEK)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

SEED: dict[str, Any] = {
    "integrationDefinitions": [{"type": "aws"}],
    "integrationInstances": [
        {
            "name": "aws-prod",
            "definition": "aws",
            "pollingInterval": "ONE_WEEK",
            "pollingIntervalCronExpression": {"hour": 5, "dayOfWeek": 1},
        }
    ],
}


def schedule(body: str) -> str:
    return (
        "apiVersion: j1sync/v1\nkind: IntegrationSchedule\nmetadata:\n  name: prod\n"
        f"spec:\n  instance: aws-prod\n{body}"
    )


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def planned(account: Account) -> dict[str, Any]:
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.stdout)["changes"]
    return dict(change)


def stored_cron(account: Account) -> Any:
    (instance,) = account.emu.snapshot()["integration_instances"]
    return instance["pollingIntervalCronExpression"]


def test_an_hourly_schedule_plans_no_hour_or_day_and_apply_then_plan_is_empty(
    account: Account,
) -> None:
    account.write("s.yaml", schedule("  pollingInterval: ONE_HOUR\n"))
    change = planned(account)
    assert change["changed_paths"] == ["pollingInterval"]
    assert "hour" not in change["after"] and "dayOfWeek" not in change["after"]
    text = account.run("plan", account.manifests)
    assert text.exit_code == 0, text.output
    assert "hour" not in text.output and "dayOfWeek" not in text.output

    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert stored_cron(account) == {"hour": 5, "dayOfWeek": 1}  # kept, as JupiterOne keeps it


def test_a_daily_schedule_plans_the_stale_hour_and_not_the_day(account: Account) -> None:
    account.write("s.yaml", schedule("  pollingInterval: ONE_DAY\n"))
    change = planned(account)
    assert change["changed_paths"] == ["hour", "pollingInterval"]
    assert "dayOfWeek" not in change["after"]
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert (stored_cron(account) or {}).get("hour") is None
