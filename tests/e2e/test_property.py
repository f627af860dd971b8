"""The engine's acceptance as a property, over HTTP through the real CLI.

For random manifests of every kind applied to random accounts (managed objects with and
without manifests, hand-edited twins of manifests, unmanaged objects), `apply --force`
then `plan --detailed-exitcode` says "no changes", unmanaged objects are byte-for-byte
what they were, and no object exists twice.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from ruamel.yaml import YAML

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.models.parameter import is_reserved_parameter
from tests.e2e.conftest import API_KEY, Account
from tests.e2e.strategies import MANAGED_TAG, Scenario, scenarios

Snapshot = dict[str, list[dict[str, Any]]]
FOLDERS = {
    "Question": "questions",
    "AlertRule": "rules",
    "IamGroup": "iam",
    "IntegrationSchedule": "schedules",
    "Parameter": "parameters",
    "ResourceGroup": "resource-groups",
    "Dashboard": "dashboards",
}


def write_manifests(account: Account, scenario: Scenario) -> None:
    root = Path(account.manifests)
    root.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    for index, (kind, name, spec) in enumerate(scenario.manifests):
        path = root / FOLDERS[kind] / f"{index:02d}.yaml"
        path.parent.mkdir(exist_ok=True)
        document = {
            "apiVersion": "j1sync/v1",
            "kind": kind,
            "metadata": {"name": name},
            "spec": spec,
        }
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)


def question_key(question: dict[str, Any]) -> str:
    return str(question.get("name") or question.get("title"))


def untouchable(snapshot: Snapshot, scenario: Scenario) -> dict[tuple[str, str], Any]:
    """Objects no manifest declares and j1sync must not delete, by (collection, id)."""
    declared_rules = scenario.names("AlertRule")
    declared_questions = scenario.names("Question")
    declared_resource_groups = scenario.names("ResourceGroup")
    declared_resource_group_ids = {
        g["id"]
        for g in snapshot.get("resource_groups", [])
        if g["name"] in declared_resource_groups
    }
    declared_boards = scenario.names("Dashboard")
    declared_board_ids = {
        b["id"]
        for b in snapshot.get("dashboards", [])
        if owned_board(b) and b["name"] in declared_boards
    }
    keep = {
        "rules": lambda r: MANAGED_TAG not in r["tags"] and r["name"] not in declared_rules,
        "questions": lambda q: (
            MANAGED_TAG not in q["tags"] and question_key(q) not in declared_questions
        ),
        "iam_groups": lambda g: g["name"] not in scenario.names("IamGroup"),
        "integration_instances": lambda i: i["name"] not in scenario.scheduled_instances(),
        "parameters": lambda p: p["name"] not in scenario.names("Parameter"),
        "resource_groups": lambda g: g["name"] not in declared_resource_groups,
        "resource_permissions": lambda p: p["resourceId"] not in declared_resource_group_ids,
        "dashboards": lambda b: not owned_board(b) or b["name"] not in declared_boards,
        "dashboard_parameters": lambda p: p["dashboardId"] not in declared_board_ids,
        "users": lambda _: True,
        "integration_definitions": lambda _: True,
    }
    return {
        (collection, obj["id"]): obj
        for collection, wanted in keep.items()
        for obj in snapshot.get(collection, [])
        if wanted(obj)
    }


def owned_board(board: dict[str, Any]) -> bool:
    """A board j1sync may manage: an account board, not one of JupiterOne's own."""
    return board["type"] == "Account" and not board["isJ1ManagedBoard"]


def by_id(snapshot: Snapshot) -> dict[tuple[str, str], Any]:
    return {(c, obj["id"]): obj for c, objs in snapshot.items() for obj in objs}


def keys(snapshot: Snapshot) -> dict[str, list[str]]:
    """Natural keys per kind, as j1sync matches them."""
    return {
        "AlertRule": [r["name"] for r in snapshot.get("rules", [])],
        "Question": [question_key(q) for q in snapshot.get("questions", [])],
        "IamGroup": [g["name"] for g in snapshot.get("iam_groups", [])],
        "IntegrationSchedule": [i["name"] for i in snapshot.get("integration_instances", [])],
        "Parameter": [
            p["name"]
            for p in snapshot.get("parameters", [])
            if not is_reserved_parameter(p["name"])
        ],
        "ResourceGroup": [g["name"] for g in snapshot.get("resource_groups", [])],
        "Dashboard": [b["name"] for b in snapshot.get("dashboards", []) if owned_board(b)],
    }


def check_converged(account: Account, scenario: Scenario) -> None:
    before = account.emu.snapshot()
    # a scenario may declare nothing: then every managed object goes, on purpose
    explicit = ("--force", "--allow-empty")
    applied = account.run("apply", account.manifests, "--auto-approve", *explicit)
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode", "--allow-empty")
    assert again.exit_code == 0, f"apply did not converge:\n{again.output}"
    after = account.emu.snapshot()

    # unmanaged objects: byte-for-byte unchanged
    now = by_id(after)
    for address, obj in untouchable(before, scenario).items():
        assert now.get(address) == obj, f"unmanaged {address} changed or vanished"

    # managed objects without a manifest: deleted
    for collection in ("rules", "questions"):
        for obj in before.get(collection, []):
            declared = scenario.names("AlertRule" if collection == "rules" else "Question")
            key = obj["name"] if collection == "rules" else question_key(obj)
            if MANAGED_TAG in obj["tags"] and key not in declared:
                assert (collection, obj["id"]) not in now, f"{collection} {key!r} not pruned"

    # nothing twice, every manifest once
    for kind, names in keys(after).items():
        duplicates = [n for n, count in Counter(names).items() if count > 1]
        assert not duplicates, f"{kind} exists twice: {duplicates}"
        declared = (
            scenario.scheduled_instances()
            if kind == "IntegrationSchedule"
            else scenario.names(kind)
        )
        assert declared <= set(names), f"{kind}: missing {declared - set(names)}"


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios())
def test_apply_converges_and_leaves_unmanaged_objects_alone(scenario: Scenario) -> None:
    with (
        running_emulator(db=":memory:", seed=scenario.seed, api_key=API_KEY, page_size=5) as emu,
        tempfile.TemporaryDirectory() as tmp,
    ):
        account = Account(emu=emu, tmp_path=Path(tmp))
        write_manifests(account, scenario)
        check_converged(account, scenario)


NAMELESS_ADOPTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: Hand-made review
spec:
  title: {title}
  queries:
    - name: query0
      query: Find User with active = true
"""


def test_a_nameless_question_is_adopted_only_under_its_own_title(empty_account: Account) -> None:
    """The property above keeps such titles: the API cannot name a question, so a new
    title would lose the only thing that identifies it."""
    acc = empty_account
    acc.emu.seed_objects(
        {
            "questions": [
                {
                    "name": "",
                    "title": "Hand-made review",
                    "queries": [{"name": "query0", "query": "Find User"}],
                }
            ]
        }
    )
    before = acc.emu.snapshot()
    acc.write("q.yaml", NAMELESS_ADOPTION.format(title="Weekly review"))
    refused = acc.run("apply", acc.manifests, "--auto-approve")
    assert refused.exit_code == 1
    assert "has no name" in refused.output and "Set spec.title to 'Hand-made review'" in (
        refused.output
    )
    assert acc.emu.snapshot() == before

    acc.write("q.yaml", NAMELESS_ADOPTION.format(title="Hand-made review"))
    applied = acc.run("apply", acc.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert acc.run("plan", acc.manifests, "--detailed-exitcode").exit_code == 0
    questions = acc.emu.snapshot()["questions"]
    assert [q["id"] for q in questions] == [before["questions"][0]["id"]]
    assert MANAGED_TAG in questions[0]["tags"]
