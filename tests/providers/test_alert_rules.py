"""AlertRule: inline and referenced rules round-trip, every field updates, switching forms,
questionRef resolved to a question created in the same run, stale versions, deletes."""

from __future__ import annotations

import pytest

from j1sync.errors import NotFound
from tests.providers.conftest import Account

QUESTION = """
apiVersion: j1sync/v1
kind: Question
metadata: {name: public-s3-buckets}
spec:
  title: Public S3 buckets
  queries: [{name: bad, query: Find aws_s3_bucket with public=true, resultsAre: BAD}]
"""

INLINE = """
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: unencrypted-critical-data}
spec:
  description: Critical data stores that are not encrypted
  pollingInterval: ONE_WEEK
  question:
    queries:
      - name: query0
        query: "Find DataStore with classification='critical'\\r\\nand encrypted!=true"
        includeDeleted: true
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.query0.total, ">", 0]]
      actions:
        - {type: SET_PROPERTY, targetProperty: alertLevel, targetValue: CRITICAL}
        - {type: CREATE_ALERT}
  outputs: [queries.query0.total, alertLevel]
  tags: [security]
  labels: {team: secops, env: prod}
  templates: {summary: "Found {{queries.query0.total}}"}
  notifyOnFailure: true
  triggerActionsOnNewEntitiesOnly: true
  ignorePreviousResults: true
  remediationSteps: Encrypt it.
"""

MINIMAL_INLINE = """
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: minimal-rule}
spec:
  question:
    queries: [{name: query0, query: Find Host}]
"""

REFERENCED = """
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: public-s3-buckets-alert}
spec:
  questionRef: public-s3-buckets
  operations:
    - when: {type: FILTER, condition: [AND, [queries.bad.total, ">", 0]]}
      actions: [{type: CREATE_ALERT}]
  outputs: [queries.bad.total]
"""


@pytest.mark.parametrize("manifest", [INLINE, MINIMAL_INLINE], ids=["every-field", "defaults"])
def test_inline_rule_reads_back_equal_to_the_manifest(account: Account, manifest: str) -> None:
    desired = account.one(manifest)
    account.create(desired)
    live = account.live("AlertRule", desired.name)
    assert live.state == desired.state
    assert live.managed and live.references == ()


def test_defaults_are_filled_on_the_desired_side(account: Account) -> None:
    state = account.one(MINIMAL_INLINE).state
    assert state["pollingInterval"] == "ONE_DAY"
    assert state["notifyOnFailure"] is False and state["ignorePreviousResults"] is False
    assert state["operations"] == [] and state["outputs"] == [] and state["templates"] == {}
    assert state["labels"] == {} and state["remediationSteps"] == ""
    assert state["question"] == {
        "queries": [
            {"name": "query0", "query": "Find Host", "version": "v1", "includeDeleted": False}
        ]
    }


def test_server_added_action_ids_do_not_show_as_a_change(account: Account) -> None:
    desired = account.one(INLINE)
    account.create(desired)
    live = account.live("AlertRule", desired.name)
    raw_actions = live.raw["operations"][0]["actions"]
    assert all("id" in action for action in raw_actions)
    assert live.state["operations"] == desired.state["operations"]


def test_referenced_rule_resolves_a_question_created_in_the_same_run(account: Account) -> None:
    question, rule = account.desired(QUESTION + "---" + REFERENCED)
    assert rule.depends_on == ("Question/public-s3-buckets",)
    question_id = account.create(question)
    account.create(rule)
    live = account.live("AlertRule", rule.name)
    assert live.raw["questionId"] == question_id
    assert live.state == rule.state
    assert live.state["questionRef"] == "public-s3-buckets"
    assert live.references == ("Question/public-s3-buckets",)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("description: Critical data stores that are not encrypted", "description: Other"),
        ("pollingInterval: ONE_WEEK", "pollingInterval: THIRTY_MINUTES"),
        ("includeDeleted: true", "includeDeleted: false"),
        ("targetValue: CRITICAL", "targetValue: HIGH"),
        ("outputs: [queries.query0.total, alertLevel]", "outputs: [queries.query0.total]"),
        ("tags: [security]", "tags: [security, more]"),
        ("labels: {team: secops, env: prod}", "labels: {team: other}"),
        ('templates: {summary: "Found {{queries.query0.total}}"}', "templates: {x: 1}"),
        ("notifyOnFailure: true", "notifyOnFailure: false"),
        ("triggerActionsOnNewEntitiesOnly: true", "triggerActionsOnNewEntitiesOnly: false"),
        ("ignorePreviousResults: true", "ignorePreviousResults: false"),
        ("remediationSteps: Encrypt it.", "remediationSteps: ''"),
    ],
)
def test_each_field_update_converges(account: Account, old: str, new: str) -> None:
    account.create(account.one(INLINE))
    assert old in INLINE
    changed = account.one(INLINE.replace(old, new))
    account.update(changed)
    assert account.live("AlertRule", changed.name).state == changed.state


def test_update_sends_the_current_version_even_when_the_read_is_stale(account: Account) -> None:
    desired = account.one(INLINE)
    account.create(desired)
    stale = account.live("AlertRule", desired.name)
    kind = account.provider.kind("AlertRule")
    kind.update(stale, account.one(INLINE.replace("ONE_WEEK", "ONE_HOUR")), account.resolver)
    final = account.one(INLINE.replace("ONE_WEEK", "FOUR_HOURS"))
    kind.update(stale, final, account.resolver)  # stale.raw["version"] is now behind
    assert account.live("AlertRule", desired.name).state == final.state


def test_switching_between_inline_and_referenced_question_converges(account: Account) -> None:
    question, referenced = account.desired(QUESTION + "---" + REFERENCED)
    account.create(question)
    inline = account.one(
        REFERENCED.replace(
            "questionRef: public-s3-buckets",
            "question: {queries: [{name: bad, query: Find aws_s3_bucket}]}",
        )
    )
    account.create(inline)
    account.update(referenced)
    assert account.live("AlertRule", referenced.name).state == referenced.state
    account.update(inline)
    assert account.live("AlertRule", inline.name).state == inline.state


def test_delete_rule_then_delete_again_is_not_found(account: Account) -> None:
    account.create(account.one(MINIMAL_INLINE))
    live = account.live("AlertRule", "minimal-rule")
    kind = account.provider.kind("AlertRule")
    kind.delete(live)
    assert kind.find("minimal-rule") == []
    with pytest.raises(NotFound, match="Rule instance does not exist"):
        kind.delete(live)


def test_demo_rules_are_read_across_pages_with_managed_flags(demo: Account) -> None:
    rules = {o.name: o for o in demo.provider.read_live(["AlertRule"])}
    assert set(rules) >= {
        "unencrypted-critical-data",
        "legacy-open-ports",
        "Root account login detected",
    }
    assert rules["legacy-open-ports"].managed
    assert not rules["Root account login detected"].managed
