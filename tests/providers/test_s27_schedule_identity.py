"""An IntegrationSchedule's identity is its integration instance, not metadata.name
(docs/manifests.md, IntegrationSchedule): a plan and its errors name it
`IntegrationSchedule/<instance>`; metadata.name is only `instance`'s default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

SEED = {
    "integrationDefinitions": [{"type": "aws"}],
    "integrationInstances": [
        {"name": "aws-prod", "definition": "aws", "pollingInterval": "ONE_DAY"}
    ],
}


def schedule(instance: str) -> str:
    return (
        "apiVersion: j1sync/v1\nkind: IntegrationSchedule\nmetadata:\n  name: nightly\n"
        f"spec:\n  instance: {instance}\n  pollingInterval: ONE_WEEK\n"
    )


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def test_a_plan_names_the_schedule_by_its_instance(account: Account) -> None:
    account.write("s.yaml", schedule("aws-prod"))
    planned = account.run("plan", account.manifests, "--format", "json")
    assert planned.exit_code == 0, planned.output
    (change,) = json.loads(planned.stdout)["changes"]
    assert change["address"] == "IntegrationSchedule/aws-prod"
    assert "nightly" not in planned.stdout


def test_an_error_names_it_by_its_instance_at_the_manifests_line(account: Account) -> None:
    path = account.write("s.yaml", schedule("aws-prd"))
    planned = account.run("plan", account.manifests)
    assert planned.exit_code == 1, planned.output
    assert f"{path}:6:13: IntegrationSchedule/aws-prd: spec.instance: integration" in (
        planned.output
    )
