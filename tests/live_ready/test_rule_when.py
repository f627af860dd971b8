"""Issue 10.1: an operation without a condition omits `when` (the live API refuses
`when: null`; JupiterOne's Terraform provider marks it omitempty), and no mutation j1sync
sends carries a null the live API is not known to accept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Account
from tests.emulator.conftest import Poster
from tests.live_ready.wire import Wire, seeded_account

RULES = """\
apiVersion: j1sync/v1
kind: Question
metadata: {name: hosts}
spec:
  title: Hosts
  queries: [{name: query0, query: Find Host}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: inline-no-when}
spec:
  description: DESCRIPTION
  question:
    queries: [{name: query0, query: Find Host}]
  operations:
    - actions: [{type: CREATE_ALERT}]
    - when: {condition: [AND, [queries.query0.total, ">", 0]]}
      actions: [{type: SET_PROPERTY, targetProperty: alertLevel, targetValue: LOW}]
---
apiVersion: j1sync/v1
kind: AlertRule
metadata: {name: referenced-no-when}
spec:
  description: DESCRIPTION
  questionRef: hosts
  operations:
    - actions: [{type: CREATE_ALERT}]
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with seeded_account(tmp_path) as seeded:
        yield seeded


@pytest.fixture
def wire(account: Account) -> Wire:
    return Wire(account.emu)


# Nulls the live API is known to take: `templates: null` (the Terraform provider's note
# beside its omitempty list), and none else.
KNOWN_ACCEPTED_NULLS = {"templates"}


def nulls(value: Any, path: str = "") -> list[str]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in nulls(item, f"{path}[{index}]")]
    return []


def rule_mutations(wire: Wire) -> list[dict[str, Any]]:
    names = ("J1SyncCreateInlineRule", "J1SyncCreateReferencedRule")
    names += ("J1SyncUpdateInlineRule", "J1SyncUpdateReferencedRule")
    return [op for op in wire.sent if op.get("operationName") in names]


def test_rules_without_when_create_update_and_converge(account: Account, wire: Wire) -> None:
    account.write("rules.yaml", RULES.replace("DESCRIPTION", "first"))
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0

    account.write("rules.yaml", RULES.replace("DESCRIPTION", "second"))
    updated = account.run("apply", account.manifests, "--auto-approve")
    assert updated.exit_code == 0, updated.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    stored = {r["name"]: r for r in account.emu.snapshot()["rules"]}
    assert stored["inline-no-when"]["operations"][0]["when"] is None
    assert stored["inline-no-when"]["description"] == "second"
    assert stored["referenced-no-when"]["operations"][0]["when"] is None

    sent = rule_mutations(wire)
    names = {op["operationName"] for op in sent}
    assert {
        "J1SyncCreateInlineRule",
        "J1SyncCreateReferencedRule",
        "J1SyncUpdateInlineRule",
        "J1SyncUpdateReferencedRule",
    } <= names
    for op in sent:
        first, *rest = op["variables"]["instance"]["operations"]
        assert "when" not in first
        assert all(o["when"] for o in rest)


def test_no_rule_or_question_mutation_sends_a_null_the_live_api_may_refuse(
    account: Account, wire: Wire
) -> None:
    account.write("rules.yaml", RULES.replace("DESCRIPTION", "first"))
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.write("rules.yaml", RULES.replace("DESCRIPTION", "second"))
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    mutations = [op for op in wire.sent if op["query"].lstrip().startswith("mutation")]
    assert mutations
    for op in mutations:
        found = [
            p
            for p in nulls(op.get("variables") or {})
            if p.split(".")[-1] not in KNOWN_ACCEPTED_NULLS
        ]
        assert found == [], (op["operationName"], found)


def test_an_empty_remediation_steps_is_left_out_of_an_inline_update(
    account: Account, wire: Wire
) -> None:
    """The Terraform provider omits empty remediationSteps from updateInline (omitempty);
    j1sync sends "" there only when that is what clears the rule's steps."""
    rule = RULES.split("---\n")[1]
    account.write("rule.yaml", rule.replace("DESCRIPTION", "first"))
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.write("rule.yaml", rule.replace("DESCRIPTION", "second"))
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    (update,) = wire.operations("J1SyncUpdateInlineRule")
    assert "remediationSteps" not in update["variables"]["instance"]

    with_steps = rule.replace("DESCRIPTION", "third") + "  remediationSteps: Patch it\n"
    account.write("rule.yaml", with_steps)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    account.write("rule.yaml", rule.replace("DESCRIPTION", "third"))
    wire.clear()
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    (clearing,) = wire.operations("J1SyncUpdateInlineRule")
    assert clearing["variables"]["instance"]["remediationSteps"] == ""
    assert account.run("plan", account.manifests, "--detailed-exitcode").exit_code == 0


CREATE_INLINE = """mutation ($instance: CreateInlineQuestionRuleInstanceInput!) {
  createInlineQuestionRuleInstance(instance: $instance) { id }
}"""


def test_the_emulator_refuses_when_null_as_an_api_error(account: Account) -> None:
    instance = {
        "name": "nulled",
        "specVersion": 1,
        "question": {"queries": [{"name": "query0", "query": "Find Host"}]},
        "operations": [{"when": None, "actions": [{"type": "CREATE_ALERT"}]}],
    }
    body = Poster(account.emu)(CREATE_INLINE, path="/rules/graphql", instance=instance)
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "serviceName": "rules"}
    assert "operations[0].when must not be null" in error["message"]
    assert body["data"] is None or body["data"]["createInlineQuestionRuleInstance"] is None
    assert account.emu.snapshot().get("rules", []) == []

    del instance["operations"][0]["when"]
    body = Poster(account.emu)(CREATE_INLINE, path="/rules/graphql", instance=instance)
    assert "errors" not in body, body
