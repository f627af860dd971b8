"""Every spec field of every kind, end to end: a change to that one field in a manifest
is planned as an update of exactly that field's path, and after apply the plan is empty.

The table is checked against the manifest models, so a field added to a model without a
row here fails `test_the_table_covers_every_field_of_every_spec_model`.
"""

from __future__ import annotations

import copy
import json
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from ruamel.yaml import YAML

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.models import SPEC_MODELS
from j1sync.providers.jupiterone.models.dashboard import BREAKPOINTS
from tests.e2e.conftest import API_KEY, PARAMETER_SECRET, PARAMETER_SECRET_VARIABLE, Account
from tests.e2e.strategies import DEFINITIONS, USERS

SEED = {
    "users": [{"email": email} for email in USERS],
    "integrationDefinitions": [{"type": t, "title": title} for t, title in DEFINITIONS],
    "integrationInstances": [
        {"name": "aws-production", "definition": "aws", "pollingInterval": "ONE_DAY"},
        {"name": "aws-staging", "definition": "aws", "pollingInterval": "ONE_DAY"},
    ],
    "iamGroups": [{"name": "team-a"}, {"name": "team-b"}, {"name": "team-c"}],
}

QUESTION = {
    "title": "Base question",
    "description": "base",
    "tags": ["team-a"],
    "showTrend": False,
    "pollingInterval": "ONE_DAY",
    "queries": [
        {
            "name": "query0",
            "query": "Find Host",
            "version": "v1",
            "resultsAre": "BAD",
            "includeDeleted": False,
        }
    ],
    "compliance": [{"standard": "SOC 2", "requirements": ["CC6.1"], "controls": ["C-1"]}],
}
RULE = {
    "description": "base rule",
    "pollingInterval": "ONE_DAY",
    "question": {
        "queries": [
            {"name": "query0", "query": "Find Host", "version": "v1", "includeDeleted": False},
            {"name": "query1", "query": "Find User"},
        ]
    },
    "operations": [
        {
            "when": {
                "type": "FILTER",
                "version": 1,
                "condition": ["AND", ["queries.query0.total", ">", 0]],
            },
            "actions": [
                {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": "LOW"},
                {"type": "CREATE_ALERT"},
            ],
        }
    ],
    "outputs": ["queries.query0.total", "alertLevel"],
    "tags": ["team-a"],
    "labels": {"team": "a"},
    "templates": {"summary": "base"},
    "notifyOnFailure": False,
    "triggerActionsOnNewEntitiesOnly": False,
    "ignorePreviousResults": False,
    "remediationSteps": "step one",
}
# An action naming its integration instance (sent as the instance's integrationInstanceId)
INSTANCE = "integrationInstance"
TICKET = {"type": "CREATE_JIRA_TICKET", INSTANCE: "aws-production", "project": "SEC"}
REF_RULE = {
    **{k: v for k, v in RULE.items() if k != "question"},
    "questionRef": "support-q-1",
}
GROUP = {
    "description": "base group",
    "abacPermissions": ["readGraph"],
    "queryPolicy": [{"_class": ["Host"]}],
    "members": ["alice@example.com"],
}
RESOURCE_GROUP = {
    "permissions": [
        {"group": "team-a", "resourceArea": "rule", "canRead": True},
        {"group": "team-b", "resourceArea": "rule", "canRead": True, "canUpdate": True},
    ]
}
# A user's permission beside a group's (ResourceGroup permissions name either).
USER_RESOURCE_GROUP = {
    "permissions": [
        RESOURCE_GROUP["permissions"][0],
        {"user": "alice@example.com", "resourceArea": "rule", "canRead": True},
    ]
}
# Rules may only name a resource group a manifest declares: two are always written.
SUPPORT_RESOURCE_GROUPS = {f"support-rg-{i}": {"permissions": []} for i in (1, 2)}
GROUPED_RULE = {**RULE, "resourceGroup": "support-rg-1"}
SCHEDULE = {"pollingInterval": "ONE_WEEK", "hour": 3, "dayOfWeek": 1}
NAMED_SCHEDULE = {"instance": "aws-production", **SCHEDULE}
PARAMETER = {"value": PARAMETER_SECRET}
SECRET_PARAMETER = {"value": f"${{env:{PARAMETER_SECRET_VARIABLE}}}", "secret": True}
WIDGET = {"title": "Users", "type": "table", "queries": [{"name": "u", "query": "FIND User"}]}
DASHBOARD = {
    "category": "Security",
    "resourceGroup": "support-rg-1",
    "widgets": {
        "w1": {
            "title": "Hosts",
            "type": "number",
            "description": "hosts",
            "queries": [{"name": "q", "query": "FIND Host"}],
            "question": "support-q-1",
            "settings": {"number": {"success": 0}},
            "noResultMessage": "none",
            "includeDeleted": False,
            "postQueryFilters": ["a"],
            "disableQueryPolicyFilters": False,
        },
        "w2": WIDGET,
        "w3": {**WIDGET, "title": "Unplaced"},
    },
    # at every screen size w1 then w2 on one row; w3 is placed nowhere
    "layouts": {
        size: [
            {"widget": "w1", "x": 0, "y": 0, "w": 2, "h": 2, "static": False},
            {"widget": "w2", "x": 2, "y": 0, "w": 2, "h": 2},
        ]
        for size in BREAKPOINTS
    },
    "parameters": [
        {
            "name": "env",
            "label": "Environment",
            "type": "QUERY_VARIABLE",
            "valueType": "string",
            # numbers: they fit valueType string and number alike (the valueType row)
            "options": ["1", "2"],
            "default": "1",
            "disableCustomInput": False,
            "requireValue": False,
        }
    ],
}
SUPPORT_QUESTIONS = {
    f"support-q-{i}": {
        "title": f"Support question {i}",
        "queries": [{"name": "query0", "query": f"Find Host with n = {i}"}],
    }
    for i in (1, 2)
}
NAMES = {
    "Question": "q-under-test",
    "AlertRule": "r-under-test",
    "IamGroup": "g-under-test",
    "IntegrationSchedule": "aws-production",
    "Parameter": "p_under_test",
    "ResourceGroup": "rg-under-test",
}


def edit(spec: dict[str, Any], *path: str | int, value: Any) -> dict[str, Any]:
    """A deep copy of `spec` with the value at `path` replaced (or added)."""
    result = copy.deepcopy(spec)
    node: Any = result
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if isinstance(node, list) and last == len(node):
        node.append(value)
    else:
        node[last] = value
    return result


@dataclass(frozen=True)
class Row:
    kind: str
    field: str  # the model field, `[]` marking list items: queries[].name
    base: dict[str, Any]
    changed: dict[str, Any]
    paths: tuple[str, ...]  # expected changed_paths; () = no change at all
    name: str = ""  # metadata.name when not the kind's usual one
    address: str = ""  # the address the change shows up at, when not Kind/name


Q, R, G, S, P = "Question", "AlertRule", "IamGroup", "IntegrationSchedule", "Parameter"
D = "Dashboard"
# One row per Dashboard field, at every screen size for the layouts' fields
DASHBOARD_ROWS = [
    Row(D, "category", DASHBOARD, edit(DASHBOARD, "category", value="Ops"), ("category",)),
    Row(
        D,
        "resourceGroup",
        DASHBOARD,
        edit(DASHBOARD, "resourceGroup", value="support-rg-2"),
        ("resourceGroup",),
    ),
    Row(D, "widgets", DASHBOARD, edit(DASHBOARD, "widgets", "w4", value=WIDGET), ("widgets.w4",)),
    *[
        Row(
            D,
            f"widgets.{field}",
            DASHBOARD,
            edit(DASHBOARD, "widgets", "w1", *path, value=value),
            (f"widgets.w1.{changed}",),
        )
        for field, path, value, changed in [
            ("title", ("title",), "Servers", "title"),
            ("type", ("type",), "pie", "type"),
            ("description", ("description",), "servers", "description"),
            ("queries", ("queries", 1), {"name": "r", "query": "FIND User"}, "queries[1]"),
            ("queries[].name", ("queries", 0, "name"), "hosts", "queries[0].name"),
            ("queries[].query", ("queries", 0, "query"), "FIND Device", "queries[0].query"),
            ("question", ("question",), "support-q-2", "question"),
            ("settings", ("settings", "number", "success"), 3, "settings.number.success"),
            ("noResultMessage", ("noResultMessage",), "nothing", "noResultMessage"),
            ("includeDeleted", ("includeDeleted",), True, "includeDeleted"),
            ("postQueryFilters", ("postQueryFilters",), ["a", "b"], "postQueryFilters"),
            (
                "disableQueryPolicyFilters",
                ("disableQueryPolicyFilters",),
                True,
                "disableQueryPolicyFilters",
            ),
        ]
    ],
    Row(
        D,
        "layouts",
        DASHBOARD,
        edit(DASHBOARD, "layouts", value={"lg": DASHBOARD["layouts"]["lg"]}),
        # the sizes left out have no items: every item of theirs is removed
        tuple(sorted(f"layouts.{s}[{i}]" for s in BREAKPOINTS if s != "lg" for i in (0, 1))),
    ),
    *[
        Row(
            D,
            f"layouts.{size}",
            DASHBOARD,
            edit(DASHBOARD, "layouts", size, value=DASHBOARD["layouts"][size][:1]),
            (f"layouts.{size}[1]",),
        )
        for size in BREAKPOINTS
    ],
    *[
        Row(
            D,
            f"layouts.{size}[].{field}",
            DASHBOARD,
            edit(DASHBOARD, "layouts", size, 1, field, value=value),
            (f"layouts.{size}[1].{field}",),
        )
        for size in BREAKPOINTS
        for field, value in [
            ("widget", "w3"),
            ("x", 3),
            ("y", 1),
            ("w", 1),
            ("h", 3),
            ("static", True),
        ]
    ],
    Row(
        D,
        "parameters",
        DASHBOARD,
        edit(DASHBOARD, "parameters", 1, value={"name": "region", "label": "Region"}),
        ("parameters[1]",),
    ),
    *[
        Row(
            D,
            f"parameters[].{field}",
            DASHBOARD,
            edit(DASHBOARD, "parameters", 0, field, value=value),
            (f"parameters[0].{field}",),
        )
        for field, value in [
            ("name", "stage"),
            ("label", "Stage"),
            ("type", "SCOPE_FILTER"),
            ("valueType", "number"),
            ("options", ["1", "2", "3"]),
            ("default", "2"),
            ("disableCustomInput", True),
            ("requireValue", True),
        ]
    ],
]
ROWS = [
    Row(Q, "title", QUESTION, edit(QUESTION, "title", value="New title"), ("title",)),
    Row(Q, "description", QUESTION, edit(QUESTION, "description", value="new"), ("description",)),
    Row(Q, "tags", QUESTION, edit(QUESTION, "tags", value=["team-b"]), ("tags",)),
    Row(Q, "showTrend", QUESTION, edit(QUESTION, "showTrend", value=True), ("showTrend",)),
    Row(
        Q,
        "pollingInterval",
        QUESTION,
        edit(QUESTION, "pollingInterval", value="ONE_WEEK"),
        ("pollingInterval",),
    ),
    Row(
        Q,
        "queries",
        QUESTION,
        edit(QUESTION, "queries", 1, value={"name": "query1", "query": "Find User"}),
        ("queries[1]",),
    ),
    Row(
        Q,
        "queries[].name",
        QUESTION,
        edit(QUESTION, "queries", 0, "name", value="hosts"),
        ("queries[0].name",),
    ),
    Row(
        Q,
        "queries[].query",
        QUESTION,
        edit(QUESTION, "queries", 0, "query", value="Find Host with active = true"),
        ("queries[0].query",),
    ),
    Row(
        Q,
        "queries[].version",
        QUESTION,
        edit(QUESTION, "queries", 0, "version", value="v2"),
        ("queries[0].version",),
    ),
    Row(
        Q,
        "queries[].resultsAre",
        QUESTION,
        edit(QUESTION, "queries", 0, "resultsAre", value="GOOD"),
        ("queries[0].resultsAre",),
    ),
    Row(
        Q,
        "queries[].includeDeleted",
        QUESTION,
        edit(QUESTION, "queries", 0, "includeDeleted", value=True),
        ("queries[0].includeDeleted",),
    ),
    Row(
        Q,
        "compliance",
        QUESTION,
        edit(QUESTION, "compliance", 1, value={"standard": "PCI DSS"}),
        ("compliance[1]",),
    ),
    Row(
        Q,
        "compliance[].standard",
        QUESTION,
        edit(QUESTION, "compliance", 0, "standard", value="ISO 27001"),
        ("compliance[0].standard",),
    ),
    Row(
        Q,
        "compliance[].requirements",
        QUESTION,
        edit(QUESTION, "compliance", 0, "requirements", value=["CC6.1", "CC7.2"]),
        ("compliance[0].requirements",),
    ),
    Row(
        Q,
        "compliance[].controls",
        QUESTION,
        edit(QUESTION, "compliance", 0, "controls", value=[]),
        ("compliance[0].controls",),
    ),
    Row(R, "description", RULE, edit(RULE, "description", value="new"), ("description",)),
    Row(
        R,
        "pollingInterval",
        RULE,
        edit(RULE, "pollingInterval", value="THIRTY_MINUTES"),
        ("pollingInterval",),
    ),
    # switching from a referenced question to an inline one changes both fields
    Row(R, "question", REF_RULE, RULE, ("question", "questionRef")),
    Row(
        R,
        "question.queries",
        RULE,
        edit(RULE, "question", "queries", 2, value={"name": "query2", "query": "Find Device"}),
        ("question.queries[2]",),
    ),
    Row(
        R,
        "question.queries[].name",
        RULE,
        edit(RULE, "question", "queries", 1, "name", value="users"),
        ("question.queries[1].name",),
    ),
    Row(
        R,
        "question.queries[].query",
        RULE,
        edit(RULE, "question", "queries", 0, "query", value="Find Host with x = 1"),
        ("question.queries[0].query",),
    ),
    Row(
        R,
        "question.queries[].version",
        RULE,
        edit(RULE, "question", "queries", 0, "version", value="v2"),
        ("question.queries[0].version",),
    ),
    Row(
        R,
        "question.queries[].includeDeleted",
        RULE,
        edit(RULE, "question", "queries", 0, "includeDeleted", value=True),
        ("question.queries[0].includeDeleted",),
    ),
    Row(
        R,
        "questionRef",
        REF_RULE,
        edit(REF_RULE, "questionRef", value="support-q-2"),
        ("questionRef",),
    ),
    Row(
        R,
        "operations",
        RULE,
        edit(RULE, "operations", 1, value={"actions": [{"type": "CREATE_ALERT"}]}),
        ("operations[1]",),
    ),
    Row(
        R,
        "operations[].when",
        RULE,
        edit(RULE, "operations", 0, "when", value=None),
        ("operations[0].when",),
    ),
    Row(
        R,
        "operations[].when.type",
        RULE,
        edit(RULE, "operations", 0, "when", "type", value="RULE"),
        ("operations[0].when.type",),
    ),
    Row(
        R,
        "operations[].when.version",
        RULE,
        edit(RULE, "operations", 0, "when", "version", value=2),
        ("operations[0].when.version",),
    ),
    Row(
        R,
        "operations[].when.condition",
        RULE,
        edit(RULE, "operations", 0, "when", "condition", 1, 2, value=5),
        ("operations[0].when.condition[1]",),
    ),
    Row(
        R,
        "operations[].actions",
        RULE,
        edit(RULE, "operations", 0, "actions", 2, value={"type": "CREATE_JIRA_TICKET"}),
        ("operations[0].actions[2]",),
    ),
    Row(
        R,
        "operations[].actions[].type",
        RULE,
        edit(RULE, "operations", 0, "actions", 1, "type", value="SEND_SLACK_MESSAGE"),
        ("operations[0].actions[1].type",),
    ),
    Row(
        R,
        "operations[].actions[].integrationInstance",
        edit(RULE, "operations", 0, "actions", 2, value=TICKET),
        edit(RULE, "operations", 0, "actions", 2, value={**TICKET, INSTANCE: "aws-staging"}),
        ("operations[0].actions[2].integrationInstance",),
    ),
    Row(
        R,
        "outputs",
        RULE,
        edit(RULE, "outputs", value=["alertLevel", "queries.query0.total"]),
        ("outputs",),
    ),
    Row(R, "tags", RULE, edit(RULE, "tags", value=["team-a", "team-b"]), ("tags",)),
    Row(R, "labels", RULE, edit(RULE, "labels", "team", value="b"), ("labels.team",)),
    Row(
        R,
        "templates",
        RULE,
        edit(RULE, "templates", "summary", value="new"),
        ("templates.summary",),
    ),
    Row(
        R, "notifyOnFailure", RULE, edit(RULE, "notifyOnFailure", value=True), ("notifyOnFailure",)
    ),
    Row(
        R,
        "triggerActionsOnNewEntitiesOnly",
        RULE,
        edit(RULE, "triggerActionsOnNewEntitiesOnly", value=True),
        ("triggerActionsOnNewEntitiesOnly",),
    ),
    Row(
        R,
        "ignorePreviousResults",
        RULE,
        edit(RULE, "ignorePreviousResults", value=True),
        ("ignorePreviousResults",),
    ),
    Row(
        R,
        "remediationSteps",
        RULE,
        edit(RULE, "remediationSteps", value="step two"),
        ("remediationSteps",),
    ),
    Row(G, "description", GROUP, edit(GROUP, "description", value="new"), ("description",)),
    Row(
        G,
        "abacPermissions",
        GROUP,
        edit(GROUP, "abacPermissions", value=["readGraph", "accessRules"]),
        ("abacPermissions",),
    ),
    Row(
        G,
        "queryPolicy",
        GROUP,
        edit(GROUP, "queryPolicy", 0, "_class", value=["Host", "User"]),
        ("queryPolicy[0]._class",),
    ),
    Row(
        G,
        "members",
        GROUP,
        edit(GROUP, "members", value=["alice@example.com", "bob@example.com"]),
        ("members",),
    ),
    Row(
        S,
        "pollingInterval",
        {"pollingInterval": "ONE_DAY", "hour": 3},
        {"pollingInterval": "ONE_WEEK", "hour": 3},
        ("pollingInterval",),
    ),
    Row(S, "hour", SCHEDULE, edit(SCHEDULE, "hour", value=4), ("hour",)),
    Row(S, "dayOfWeek", SCHEDULE, edit(SCHEDULE, "dayOfWeek", value=5), ("dayOfWeek",)),
    # `instance` is identity: pointing the manifest at another instance schedules that one
    Row(
        S,
        "instance",
        NAMED_SCHEDULE,
        edit(NAMED_SCHEDULE, "instance", value="aws-staging"),
        ("dayOfWeek", "hour", "pollingInterval"),
        name="nightly",
        address="IntegrationSchedule/aws-staging",
    ),
    # `definition` only disambiguates: naming the instance's own type changes nothing
    Row(S, "definition", SCHEDULE, {**SCHEDULE, "definition": "aws"}, ()),
    Row(P, "value", PARAMETER, edit(PARAMETER, "value", value=["a", 2, True]), ("value",)),
    # the same value made secret: only `secret` differs (the value is written with it)
    Row(P, "secret", PARAMETER, SECRET_PARAMETER, ("secret",)),
    Row(
        R,
        "resourceGroup",
        GROUPED_RULE,
        edit(GROUPED_RULE, "resourceGroup", value="support-rg-2"),
        ("resourceGroup",),
    ),
    Row(
        "ResourceGroup",
        "permissions",
        RESOURCE_GROUP,
        edit(RESOURCE_GROUP, "permissions", 2, value={"group": "team-b", "resourceArea": "x"}),
        ("permissions[2]",),
    ),
    *[
        Row(
            "ResourceGroup",
            f"permissions[].{field}",
            RESOURCE_GROUP,
            edit(RESOURCE_GROUP, "permissions", 1, field, value=value),
            (f"permissions[1].{field}",),
        )
        for field, value in [
            ("group", "team-c"),
            ("resourceArea", "rules"),
            ("resourceType", "*"),
            ("canCreate", True),
            ("canRead", False),
            ("canUpdate", False),
            ("canDelete", True),
        ]
    ],
    Row(
        "ResourceGroup",
        "permissions[].user",
        USER_RESOURCE_GROUP,
        edit(USER_RESOURCE_GROUP, "permissions", 1, "user", value="bob@example.com"),
        ("permissions[1].user",),
    ),
    *DASHBOARD_ROWS,
]


def model_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field of a model, nested models' fields too (`queries[].name`)."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for nested, is_list in _nested_models(info.annotation):
            yield from model_fields(nested, f"{path}[]." if is_list else f"{path}.")


def _nested_models(annotation: Any, in_list: bool = False) -> Iterator[tuple[type, bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, in_list
        return
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        yield from _nested_models(arg, in_list or origin is list)


def test_the_table_covers_every_field_of_every_spec_model() -> None:
    for kind, model in SPEC_MODELS.items():
        covered = {row.field for row in ROWS if row.kind == kind}
        assert covered == set(model_fields(model)), kind


def write(account: Account, *documents: tuple[str, str, dict[str, Any]]) -> None:
    """Replace the manifests with the support questions plus `documents`."""
    root = Path(account.manifests)
    for path in root.glob("*.yaml"):
        path.unlink()
    documents = (
        *[(Q, q, s) for q, s in SUPPORT_QUESTIONS.items()],
        *[("ResourceGroup", g, s) for g, s in SUPPORT_RESOURCE_GROUPS.items()],
        *documents,
    )
    root.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    for index, (k, n, s) in enumerate(documents):
        document = {"apiVersion": "j1sync/v1", "kind": k, "metadata": {"name": n}, "spec": s}
        with (root / f"{index}.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)


def plan_changes(account: Account) -> dict[str, dict[str, Any]]:
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    return {c["address"]: c for c in json.loads(result.stdout)["changes"]}


def apply_and_converge(account: Account) -> None:
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


# Dashboard rows run together (test_every_dashboard_field_...): one board per row
ONE_BY_ONE = [row for row in ROWS if row.kind != D]


@pytest.mark.parametrize("row", ONE_BY_ONE, ids=lambda row: f"{row.kind}.{row.field}")
def test_changing_one_field_plans_exactly_its_path_and_apply_converges(
    account: Account, row: Row
) -> None:
    name = row.name or NAMES[row.kind]
    write(account, (row.kind, name, row.base))
    apply_and_converge(account)

    write(account, (row.kind, name, row.changed))
    changes = plan_changes(account)
    address = row.address or f"{row.kind}/{name}"
    others = {a: c["action"] for a, c in changes.items() if a != address}
    assert set(others.values()) <= {"no-op"}, others
    change = changes[address]
    if row.paths:
        assert change["action"] == "update", change
        assert tuple(change["changed_paths"]) == row.paths
    else:
        assert change["action"] == "no-op", change
    apply_and_converge(account)


def test_a_definition_that_names_another_type_is_refused_before_any_change(
    account: Account,
) -> None:
    before = account.emu.snapshot()
    write(account, (S, "aws-production", {**SCHEDULE, "definition": "github"}))
    planned = account.run("plan", account.manifests)
    applied = account.run("apply", account.manifests, "--auto-approve")
    for refused in (planned, applied):
        assert refused.exit_code == 1, refused.output
        assert "of type 'github'" in refused.output
        assert "aws-production (aws)" in refused.output
    assert account.emu.snapshot() == before


@pytest.mark.parametrize(
    ("kind", "spec"),
    [(R, RULE), (R, REF_RULE), (Q, QUESTION)],
    ids=["inline rule", "referencing rule", "question"],
)
def test_removing_a_managed_manifest_deletes_the_object(
    account: Account, kind: str, spec: dict[str, Any]
) -> None:
    name = NAMES[kind]
    # a sibling stays: deleting every managed object of a kind is blocked (safety gate)
    sibling = (kind, f"{name}-sibling", spec)
    write(account, (kind, name, spec), sibling)
    apply_and_converge(account)
    collection = "rules" if kind == R else "questions"
    assert [o["name"] for o in account.emu.snapshot()[collection]].count(name) == 1

    write(account, sibling)  # the support questions and the sibling are left
    changes = plan_changes(account)
    assert changes[f"{kind}/{name}"]["action"] == "delete"
    apply_and_converge(account)
    names = [o["name"] for o in account.emu.snapshot().get(collection, [])]
    assert name not in names


def test_every_dashboard_field_changed_on_its_own_board_plans_exactly_its_path(
    account: Account,
) -> None:
    """The Dashboard rows at once, for time: board N holds row N's base, then row N's
    change; each board's plan is exactly its row's path, and one apply heals them all
    (--force: updating every managed board trips the safety gate, as it should)."""
    boards = {f"board-{index:02d}": row for index, row in enumerate(DASHBOARD_ROWS)}
    write(account, *[(D, name, row.base) for name, row in boards.items()])
    apply_and_converge(account)

    write(account, *[(D, name, row.changed) for name, row in boards.items()])
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 3, result.output  # the safety gate: 100% of boards change
    changes = {c["address"]: c for c in json.loads(result.stdout)["changes"]}
    planned = {
        name: (changes[f"{D}/{name}"]["action"], tuple(changes[f"{D}/{name}"]["changed_paths"]))
        for name in boards
    }
    expected = {name: ("update", row.paths) for name, row in boards.items()}
    assert planned == expected
    others = {a: c["action"] for a, c in changes.items() if not a.startswith(f"{D}/")}
    assert set(others.values()) <= {"no-op"}, others
    applied = account.run("apply", account.manifests, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
