"""IntegrationSchedule: schedules of existing instances; never created or deleted."""

from __future__ import annotations

import pytest

from j1sync.errors import ResolutionError
from tests.providers.conftest import Account


def schedule(name: str, body: str) -> str:
    return f"""
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata: {{name: {name}}}
spec:
{body}
"""


@pytest.mark.parametrize(
    "body",
    [
        "  pollingInterval: ONE_DAY\n  hour: 3",
        "  pollingInterval: ONE_WEEK\n  hour: 5\n  dayOfWeek: 1",
        "  pollingInterval: FOUR_HOURS",
        "  pollingInterval: ONE_WEEK",
    ],
)
def test_schedule_update_converges_without_a_perpetual_diff(account: Account, body: str) -> None:
    desired = account.one(schedule("aws-production", body))
    account.update(desired)
    assert account.comparable(desired) == desired.state


def test_dropping_the_hour_clears_it(account: Account) -> None:
    account.update(account.one(schedule("aws-staging", "  pollingInterval: ONE_DAY\n  hour: 3")))
    plain = account.one(schedule("aws-staging", "  pollingInterval: ONE_DAY"))
    account.update(plain)
    assert account.live("IntegrationSchedule", "aws-staging").state["hour"] is None


def test_instance_defaults_to_metadata_name_and_spec_instance_wins(account: Account) -> None:
    desired = account.one(
        schedule("prod-aws", "  instance: aws-production\n  pollingInterval: ONE_DAY")
    )
    assert desired.name == "aws-production"
    assert "definition" not in desired.state


def test_definition_is_compared_only_when_the_manifest_gives_it(account: Account) -> None:
    typed = account.one(schedule("github-org", "  definition: github\n  pollingInterval: ONE_DAY"))
    assert account.comparable(typed) == typed.state
    wrong = account.one(schedule("github-org", "  definition: aws\n  pollingInterval: ONE_DAY"))
    live = account.live("IntegrationSchedule", "github-org")
    with pytest.raises(ResolutionError, match="is of type 'github'"):
        account.provider.kind("IntegrationSchedule").update(live, wrong, account.resolver)


def test_unknown_instance_error_names_the_nearest_and_lists_instances(account: Account) -> None:
    desired = account.one(schedule("aws-prodution", "  pollingInterval: ONE_DAY"))
    with pytest.raises(ResolutionError) as raised:
        account.create(desired)
    message = str(raised.value)
    assert "integration instance 'aws-prodution' not found" in message
    assert "did you mean 'aws-production'" in message
    assert "github-org (github)" in message


def test_same_named_instances_are_ambiguous_unless_definition_picks_one(
    account: Account,
) -> None:
    live = account.provider.read_live(["IntegrationSchedule"])
    shared = [o for o in live if o.raw["name"] == "shared"]
    # two instances share a name: each is keyed with its definition so both are addressable
    assert sorted(o.name for o in shared) == ["shared (aws)", "shared (github)"]
    assert sorted(o.state["definition"] for o in shared) == ["aws", "github"]
    with pytest.raises(ResolutionError, match="2 integration instances are named 'shared'"):
        account.create(account.one(schedule("shared", "  pollingInterval: ONE_DAY")))
    picked = account.one(
        schedule("shared", "  definition: github\n  pollingInterval: ONE_WEEK\n  hour: 4")
    )
    account.create(picked)  # schedules the github one
    after = {
        o.state["definition"]: o.state
        for o in account.provider.read_live()
        if o.raw.get("name") == "shared"
    }
    assert after["github"]["pollingInterval"] == "ONE_WEEK" and after["github"]["hour"] == 4
    assert after["aws"]["pollingInterval"] == "ONE_DAY"


def test_schedules_are_never_deleted(account: Account) -> None:
    live = account.live("IntegrationSchedule", "aws-production")
    with pytest.raises(ResolutionError, match="never deletes"):
        account.provider.kind("IntegrationSchedule").delete(live)
    assert account.provider.kind("IntegrationSchedule").prune == "never"
