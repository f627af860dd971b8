"""The official Python client (`jupiterone` on PyPI), unchanged, against the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jupiterone import JupiterOneClient

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator


@pytest.fixture
def small_pages() -> Iterator[Emulator]:
    with running_emulator(page_size=2) as emulator:
        yield emulator


def client_for(emu: Emulator) -> JupiterOneClient:
    # As the client sends everything live: to the gateway (its DEFAULT_URL,
    # https://graphql.us.jupiterone.io), which serves rules, questions and IAM alike.
    return JupiterOneClient(
        account=emu.account, token=emu.api_key, url=emu.graphql_url, sync_url=emu.url
    )


def seven_rules(emu: Emulator) -> None:
    rules = [
        {"name": f"bulk-{i}", "question": {"queries": [{"query": "Find Host", "name": "q"}]}}
        for i in range(4)
    ]
    emu.seed_objects({"rules": rules})  # 3 demo rules + 4 = 7 rules = 4 pages of 2


def test_list_alert_rules_follows_the_cursor_across_pages(small_pages: Emulator) -> None:
    seven_rules(small_pages)
    rules = client_for(small_pages).list_alert_rules()
    names = [r["name"] for r in rules]
    assert len(names) == 7 and len(set(names)) == 7
    assert {"unencrypted-critical-data", "legacy-open-ports", "bulk-3"} <= set(names)
    assert small_pages.stats.requests["listRuleInstances"] == 4


def test_create_then_delete_alert_rule(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    created = client.create_alert_rule(
        name="client-made",
        description="made by the official client",
        tags=["demo"],
        polling_interval="ONE_DAY",
        severity="HIGH",
        j1ql="Find Host with active=true",
    )
    assert created["version"] == 1 and created["accountId"] == small_pages.account
    actions = created["operations"][0]["actions"]
    assert [a["type"] for a in actions] == ["SET_PROPERTY", "CREATE_ALERT"]
    assert all(a["id"] for a in actions)  # the server adds an id to every action
    stored = {r["id"]: r for r in small_pages.snapshot()["rules"]}
    assert stored[created["id"]]["name"] == "client-made"

    assert client.delete_alert_rule(rule_id=created["id"]) == {
        "id": created["id"],
        "__typename": "DeleteRuleInstanceResult",
    }
    assert created["id"] not in {r["id"] for r in small_pages.snapshot()["rules"]}


def test_questions_create_list_and_details(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    created = client.create_question(
        title="Which hosts are inactive?",
        queries=[{"query": "Find Host with active=false", "name": "inactive", "resultsAre": "BAD"}],
        description="inactive hosts",
        tags=["hygiene"],
    )
    assert created["queries"][0]["version"] == "v1"  # server default
    listed = client.list_questions()
    titles = [q["title"] for q in listed]
    assert len(titles) == 4 and "Which hosts are inactive?" in titles  # crosses 2 pages
    assert [q["title"] for q in client.list_questions(tags=["hygiene"])] == titles[-1:]
    details = client.get_question_details(question_id=created["id"])
    assert details["description"] == "inactive hosts"
    assert details["queries"][0]["resultsAre"] == "BAD"


def test_integration_instances_and_details(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    everything = client.fetch_integration_instances()["data"]["integrationInstancesV2"]
    assert len(everything["instances"]) == 2  # a page of 2 out of 4
    assert everything["pageInfo"]["endCursor"] is not None
    aws = next(d for d in small_pages.snapshot()["integration_definitions"] if d["type"] == "aws")
    listed = client.fetch_integration_instances(definition_id=aws["id"])
    instances = listed["data"]["integrationInstancesV2"]["instances"]
    assert sorted(i["name"] for i in instances) == ["aws-production", "aws-staging"]
    production = next(i for i in instances if i["name"] == "aws-production")
    details = client.get_integration_instance_details(instance_id=production["id"])
    instance = details["data"]["integrationInstance"]
    assert instance["pollingInterval"] == "ONE_WEEK"
    assert instance["integrationDefinition"]["integrationType"] == "aws"
    assert instance["jobs"]["jobs"] == []


def test_query_v1_pages_through_results(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    result = client.query_v1("FIND DataStore WITH encrypted = false")
    names = sorted(row["entity"]["displayName"] for row in result["data"])
    assert names == ["legacy-db", "marketing-site", "prod-customer-exports"]
    assert small_pages.stats.requests["queryV1"] == 2  # 3 rows in pages of 2
    limited = client.query_v1("find Host with active=true LIMIT 2")
    assert len(limited["data"]) == 2


def test_query_v1_limit_and_skip_mode() -> None:
    with running_emulator() as emu, pytest.warns(DeprecationWarning):
        result = client_for(emu).query_v1("FIND User", skip=3, limit=3)
    assert len(result["data"]) == 5  # SKIP 0 LIMIT 3, then SKIP 3 LIMIT 3 (2 rows: done)


def test_deferred_query_is_polled_without_auth_until_completed(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    rows = client.query_with_deferred_response("FIND Host WITH active = true")
    assert sorted(r["entity"]["displayName"] for r in rows) == ["bastion", "web-1", "web-2"]


def test_update_alert_rule_sends_the_next_version_and_is_accepted(small_pages: Emulator) -> None:
    client = client_for(small_pages)
    rule = next(r for r in small_pages.snapshot()["rules"] if r["name"] == "legacy-open-ports")
    # the client's list fragment lacks ignorePreviousResults, so it must be passed explicitly
    updated = client.update_alert_rule(
        rule_id=rule["id"], description="edited", ignore_previous_results=False
    )
    assert (updated["version"], updated["description"]) == (2, "edited")
    stored = next(r for r in small_pages.snapshot()["rules"] if r["id"] == rule["id"])
    assert stored["version"] == 2
    assert stored["question"] == rule["question"]
