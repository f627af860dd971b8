"""Normalization of payloads the live API returned (recordings of JupiterOne's Terraform
provider tests, copied here): server fields dropped, null and [] alike, sets sorted."""

from __future__ import annotations

import json

from j1sync.engine.contract import DesiredObject, LiveObject, comparable_live_state
from j1sync.providers.jupiterone.alert_rules import labels_map, normalize_operation, normalize_rule
from j1sync.providers.jupiterone.iam_groups import normalize_group
from j1sync.providers.jupiterone.integration_schedules import normalize_schedule, schedule_update
from j1sync.providers.jupiterone.questions import normalize_question, question_key

RECORDED_RULE = json.loads(
    """{"id":"84111fae-ddf1-4f07-bd7a-0e591cfff1f9","accountId":"j1","name":"tf-provider-test-rule",
    "description":"test","version":1,"specVersion":1,"latest":true,"deleted":false,"type":"QUESTION",
    "notifyOnFailure":false,"triggerActionsOnNewEntitiesOnly":false,
    "outputs":["queries.query0.total","alertLevel"],"pollingInterval":"ONE_DAY",
    "latestAlertId":null,"latestAlertIsActive":null,"lastEvaluationEndOn":null,
    "updatedOn":1759289275668,"evaluationStep":null,"remediationSteps":null,
    "tags":["tf_acc:1","tf_acc:2"],"ignorePreviousResults":false,"resourceGroupId":null,
    "questionId":null,"questionName":null,"templates":null,
    "question":{"queries":[{"name":"query0","query":"Find DataStore with encrypted!=true",
    "version":"v1","includeDeleted":false}]},"operations":[],"labels":[]}"""
)

RECORDED_QUESTION = json.loads(
    """{"id":"15212bc2-c193-4447-bbd5-38a01e3389e9","title":"tf-provider-test-question",
    "description":"test","pollingInterval":"ONE_DAY","queries":[{"name":"query0",
    "query":"Find DataStore with encrypted!=true","version":"v1","includeDeleted":false,
    "resultsAre":"BAD"}],"tags":["tf_acc:1"],"compliance":null}"""
)


def test_recorded_rule_normalizes_without_server_fields() -> None:
    state = normalize_rule(RECORDED_RULE, sorted(RECORDED_RULE["tags"]), None)
    assert state == {
        "description": "test",
        "pollingInterval": "ONE_DAY",
        "question": {
            "queries": [
                {
                    "name": "query0",
                    "query": "Find DataStore with encrypted!=true",
                    "version": "v1",
                    "includeDeleted": False,
                }
            ]
        },
        "questionRef": None,
        "operations": [],
        "outputs": ["queries.query0.total", "alertLevel"],
        "tags": ["tf_acc:1", "tf_acc:2"],
        "labels": {},
        "templates": {},
        "notifyOnFailure": False,
        "triggerActionsOnNewEntitiesOnly": False,
        "ignorePreviousResults": False,
        "remediationSteps": "",
        "resourceGroup": None,
    }


def test_null_and_empty_are_alike_for_rules() -> None:
    nulls = {**RECORDED_RULE, "outputs": None, "labels": None, "templates": {}, "tags": None}
    empties = {**RECORDED_RULE, "outputs": [], "labels": [], "templates": None, "tags": []}
    assert normalize_rule(nulls, [], None) == normalize_rule(empties, [], None)


def test_action_ids_added_by_the_server_are_dropped() -> None:
    live = {"when": {"type": "FILTER"}, "actions": [{"id": "a1", "type": "CREATE_ALERT"}]}
    assert normalize_operation(live) == {
        "when": {"type": "FILTER", "version": 1},  # a `when` gets the manifest's defaults
        "actions": [{"type": "CREATE_ALERT"}],
    }


def test_labels_list_and_map_normalize_alike() -> None:
    api = [{"labelName": "team", "labelValue": "secops"}, {"labelName": "env", "labelValue": "p"}]
    assert labels_map(api) == labels_map({"env": "p", "team": "secops"})
    assert list(labels_map(api)) == ["env", "team"]


def test_referenced_rule_has_no_inline_question() -> None:
    state = normalize_rule({**RECORDED_RULE, "questionId": "q1"}, [], "my-question")
    assert state["question"] is None and state["questionRef"] == "my-question"


def test_recorded_question_normalizes_with_defaults() -> None:
    state = normalize_question(RECORDED_QUESTION, ["tf_acc:1"])
    assert state["compliance"] == [] and state["showTrend"] is False
    assert state["queries"][0]["resultsAre"] == "BAD"
    assert question_key(RECORDED_QUESTION) == "tf-provider-test-question"  # no name: title
    assert question_key({**RECORDED_QUESTION, "name": "named"}) == "named"


def test_recorded_group_permissions_and_policy_compare_as_sets() -> None:
    recorded = {
        "description": "description of tf-provider-test-user-group",
        "abacPermissions": ["readGraph", "accessInsights"],
        "queryPolicy": [{"_type": "b"}, {"_class": ["User"]}],
    }
    manifest = {
        "description": "description of tf-provider-test-user-group",
        "abacPermissions": ["accessInsights", "readGraph"],
        "queryPolicy": [{"_class": ["User"]}, {"_type": "b"}],
    }
    assert normalize_group(recorded) == normalize_group(manifest)


def test_unmanaged_members_are_projected_out_of_the_live_state() -> None:
    live = normalize_group({"description": None}, ["B@x.io", "a@x.io"])
    assert live["members"] == ["a@x.io", "b@x.io"]
    desired = normalize_group({"description": ""})
    assert "members" not in desired
    have = LiveObject("IamGroup", "Engineers", "group-1", live)
    want = DesiredObject("IamGroup", "Engineers", desired)
    assert comparable_live_state(have, want) == desired


def test_schedule_hour_and_day_apply_only_where_the_api_uses_them() -> None:
    assert normalize_schedule("ONE_DAY", 3, 2) == {
        "pollingInterval": "ONE_DAY",
        "hour": 3,
        "dayOfWeek": None,
    }
    assert normalize_schedule("FOUR_HOURS", 3, None)["hour"] is None
    assert schedule_update(normalize_schedule("ONE_WEEK", None, None)) == {
        "pollingInterval": "ONE_WEEK",  # nothing stored to clear: no null sent
    }
    assert schedule_update(normalize_schedule("ONE_WEEK", 0, 0))[
        "pollingIntervalCronExpression"
    ] == {"hour": 0, "dayOfWeek": 0}
