"""Integration schedules through updateIntegrationInstance, with the documented rules."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Poster

UPDATE = """mutation ($id: String!, $u: UpdateIntegrationInstanceInput!) {
  updateIntegrationInstance(id: $id, update: $u) {
    id name pollingInterval pollingIntervalCronExpression { hour dayOfWeek }
  }
}"""


def instance_id(gql: Poster, name: str) -> str:
    return next(i["id"] for i in gql.emu.snapshot()["integration_instances"] if i["name"] == name)


def schedule(gql: Poster, name: str, **update: Any) -> dict[str, Any]:
    body = gql(UPDATE, id=instance_id(gql, name), u=update)
    return body


def test_daily_with_hour_and_weekly_with_day(gql: Poster) -> None:
    daily = schedule(
        gql, "aws-production", pollingInterval="ONE_DAY", pollingIntervalCronExpression={"hour": 3}
    )
    assert daily["data"]["updateIntegrationInstance"]["pollingIntervalCronExpression"] == {
        "hour": 3,
        "dayOfWeek": None,
    }
    weekly = schedule(
        gql,
        "github-org",
        pollingInterval="ONE_WEEK",
        pollingIntervalCronExpression={"hour": 5, "dayOfWeek": 1},
    )
    result = weekly["data"]["updateIntegrationInstance"]
    assert (result["pollingInterval"], result["pollingIntervalCronExpression"]) == (
        "ONE_WEEK",
        {"hour": 5, "dayOfWeek": 1},
    )
    stored = next(
        i for i in gql.emu.snapshot()["integration_instances"] if i["name"] == "github-org"
    )
    assert stored["pollingIntervalCronExpression"] == {"hour": 5, "dayOfWeek": 1}


@pytest.mark.parametrize(
    ("interval", "cron", "words"),
    [
        ("ONE_DAY", {"hour": 24}, "between 0 and 23"),
        ("ONE_WEEK", {"hour": -1}, "between 0 and 23"),
        ("ONE_WEEK", {"dayOfWeek": 7}, "between 0 and 6"),
    ],
)
def test_schedule_rules_are_bad_user_input(
    gql: Poster, interval: str, cron: dict[str, int], words: str
) -> None:
    body = schedule(gql, "jira-cloud", pollingInterval=interval, pollingIntervalCronExpression=cron)
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "integrations"}
    assert words in error["message"]
    stored = next(
        i for i in gql.emu.snapshot()["integration_instances"] if i["name"] == "jira-cloud"
    )
    assert stored["pollingInterval"] == "ONE_WEEK"  # unchanged


def test_changing_the_interval_keeps_the_hour_and_day(gql: Poster) -> None:
    """Release 2021.83: the values are maintained, applied only under an interval that
    uses them (tests/live_ready/test_schedules_null.py has the rest)."""
    before = schedule(gql, "jira-cloud")["data"]["updateIntegrationInstance"]
    body = schedule(gql, "jira-cloud", pollingInterval="FOUR_HOURS")
    after = body["data"]["updateIntegrationInstance"]["pollingIntervalCronExpression"]
    assert after == before["pollingIntervalCronExpression"] is not None


def test_instances_list_by_definition_with_pages(gql: Poster) -> None:
    query = """query ($d: String, $c: String) {
      integrationInstances(definitionId: $d, cursor: $c) {
        instances { name integrationDefinition { type } } pageInfo { endCursor hasNextPage }
      }
    }"""
    first = gql.data(query)["integrationInstances"]
    assert [i["name"] for i in first["instances"]] == ["aws-production", "aws-staging"]
    second = gql.data(query, c=first["pageInfo"]["endCursor"])["integrationInstances"]
    assert [i["name"] for i in second["instances"]] == ["github-org", "jira-cloud"]
    assert second["pageInfo"] == {"endCursor": None, "hasNextPage": False}
    jira = next(d for d in gql.emu.snapshot()["integration_definitions"] if d["type"] == "jira")
    only = gql.data(query, d=jira["id"])["integrationInstances"]["instances"]
    assert only == [{"name": "jira-cloud", "integrationDefinition": {"type": "jira"}}]
