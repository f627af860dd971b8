"""Issue 10.7: integration schedules. The emulator follows the 2021.83 release note (an
hour or day under an interval that does not use it is kept and disregarded, not refused;
changing the interval keeps them), and j1sync converges whichever way the live API treats
`pollingIntervalCronExpression: null` (the `schedule_null` switch: it clears the stored
hour and day, or it is ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Account
from tests.emulator.conftest import Poster
from tests.live_ready.wire import Wire, seeded_account

MODES = ("clears", "ignored")
UPDATE = "J1SyncUpdateIntegrationSchedule"


@pytest.fixture(params=MODES)
def account(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Account]:
    with seeded_account(tmp_path) as seeded:
        seeded.emu.switches.schedule_null = request.param
        yield seeded


@pytest.fixture
def wire(account: Account) -> Wire:
    return Wire(account.emu)


def schedule(account: Account, body: str) -> None:
    account.write(
        "schedule.yaml",
        "apiVersion: j1sync/v1\nkind: IntegrationSchedule\n"
        f"metadata: {{name: aws-production}}\nspec:\n{body}",
    )


def apply_then_plan_is_empty(account: Account) -> None:
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    plan = account.run("plan", account.manifests, "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output


def stored_cron(account: Account) -> Any:
    (instance,) = account.emu.snapshot()["integration_instances"]
    return instance["pollingIntervalCronExpression"]


def test_dropping_the_hour_converges_either_way(account: Account, wire: Wire) -> None:
    schedule(account, "  pollingInterval: ONE_DAY\n  hour: 5\n")
    apply_then_plan_is_empty(account)
    assert stored_cron(account) == {"hour": 5, "dayOfWeek": None}

    schedule(account, "  pollingInterval: ONE_DAY\n")
    planned = account.run("plan", account.manifests, "--detailed-exitcode")
    assert planned.exit_code == 2 and "hour" in planned.output
    wire.clear()
    apply_then_plan_is_empty(account)
    assert stored_cron(account) is None
    crons = [
        op["variables"]["update"]["pollingIntervalCronExpression"] for op in wire.operations(UPDATE)
    ]
    if account.emu.switches.schedule_null == "clears":
        assert crons == [None]
    else:  # null was ignored: the answer said so, and the fields were named instead
        assert crons == [None, {"hour": None, "dayOfWeek": None}]


def test_an_hour_kept_under_another_interval_is_cleared_when_it_would_apply_again(
    account: Account, wire: Wire
) -> None:
    schedule(account, "  pollingInterval: ONE_DAY\n  hour: 5\n")
    apply_then_plan_is_empty(account)
    schedule(account, "  pollingInterval: FOUR_HOURS\n")
    wire.clear()
    apply_then_plan_is_empty(account)
    # nothing to clear: FOUR_HOURS disregards the hour, which the API keeps
    (update,) = wire.operations(UPDATE)
    assert update["variables"]["update"] == {"pollingInterval": "FOUR_HOURS"}
    assert stored_cron(account) == {"hour": 5, "dayOfWeek": None}

    schedule(account, "  pollingInterval: ONE_DAY\n")  # hour 5 would apply again
    apply_then_plan_is_empty(account)
    assert stored_cron(account) is None


def test_dropping_the_day_keeps_the_hour(account: Account, wire: Wire) -> None:
    schedule(account, "  pollingInterval: ONE_WEEK\n  hour: 3\n  dayOfWeek: 2\n")
    apply_then_plan_is_empty(account)
    schedule(account, "  pollingInterval: ONE_WEEK\n  hour: 3\n")
    wire.clear()
    apply_then_plan_is_empty(account)
    (update,) = wire.operations(UPDATE)
    assert update["variables"]["update"]["pollingIntervalCronExpression"] == {
        "hour": 3,
        "dayOfWeek": None,
    }
    assert stored_cron(account) == {"hour": 3, "dayOfWeek": None}


def test_a_schedule_without_hour_or_day_sends_no_cron_expression(
    account: Account, wire: Wire
) -> None:
    schedule(account, "  pollingInterval: TWELVE_HOURS\n")
    apply_then_plan_is_empty(account)
    (update,) = wire.operations(UPDATE)
    assert update["variables"]["update"] == {"pollingInterval": "TWELVE_HOURS"}


MUTATION = """mutation ($id: String!, $u: UpdateIntegrationInstanceInput!) {
  updateIntegrationInstance(id: $id, update: $u) {
    pollingInterval pollingIntervalCronExpression { hour dayOfWeek }
  }
}"""


def update(account: Account, **fields: Any) -> dict[str, Any]:
    (instance,) = account.emu.snapshot()["integration_instances"]
    body = Poster(account.emu)(MUTATION, id=instance["id"], u=fields)
    assert "errors" not in body, body
    answer: dict[str, Any] = body["data"]["updateIntegrationInstance"]
    return answer


def test_the_emulator_follows_the_release_note(account: Account) -> None:
    hourly = update(
        account, pollingInterval="FOUR_HOURS", pollingIntervalCronExpression={"hour": 7}
    )
    assert hourly["pollingIntervalCronExpression"] == {"hour": 7, "dayOfWeek": None}
    # the Terraform provider's unset expression, with any interval
    zeros = {"hour": 0, "dayOfWeek": 0}
    thirty = update(account, pollingInterval="THIRTY_MINUTES", pollingIntervalCronExpression=zeros)
    assert thirty["pollingIntervalCronExpression"] == zeros
    daily = update(
        account,
        pollingInterval="ONE_DAY",
        pollingIntervalCronExpression={"hour": 1, "dayOfWeek": 3},
    )
    assert daily["pollingIntervalCronExpression"] == {"hour": 1, "dayOfWeek": 3}
    kept = update(account, pollingInterval="ONE_WEEK")  # an absent key keeps them
    assert kept["pollingIntervalCronExpression"] == {"hour": 1, "dayOfWeek": 3}
    nulled = update(account, pollingIntervalCronExpression=None)
    expected = (
        None if account.emu.switches.schedule_null == "clears" else {"hour": 1, "dayOfWeek": 3}
    )
    assert nulled["pollingIntervalCronExpression"] == expected
    (instance,) = account.emu.snapshot()["integration_instances"]
    body = Poster(account.emu)(
        MUTATION, id=instance["id"], u={"pollingIntervalCronExpression": {"hour": 24}}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
