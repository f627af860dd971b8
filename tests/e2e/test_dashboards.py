"""Dashboard end to end through the CLI against the emulator: a board with keyed widgets,
layouts per breakpoint, parameters, a question and a resource group by name is created,
updated and deleted; a layout naming an unknown widget is a located validate error;
settings the server reorders or gives ids are no change; personal and JupiterOne-managed
boards are never touched, even by prune; export round-trips; drift is healed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.dashboards import is_account_board
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

BOARDS = "dashboards"
SEED: dict[str, Any] = {
    "dashboards": [
        # someone's personal board, named like the manifest's board
        {"name": "Cloud posture", "type": "User", "userId": "u-alice", "category": "Mine"},
        {"name": "Alice's board", "type": "User", "userId": "u-alice"},
        # one of JupiterOne's own boards, starred: getDashboards lists it
        {"name": "Cloud Native Security", "isJ1ManagedBoard": True, "starred": True},
        # an account board made in the app
        {
            "name": "Hand made",
            "category": "Ops",
            "widgets": [
                {
                    "id": "3f1c7e1a-5b0e-4c55-9d5e-0d6c1f0b2a11",
                    "title": "Hosts",
                    "type": "number",
                    "config": {
                        "queries": [{"name": "q", "query": "FIND Host"}],
                        "settings": {"number": {"id": "srv-1", "success": 3}},
                    },
                }
            ],
            "layouts": {
                "md": [
                    {"i": "3f1c7e1a-5b0e-4c55-9d5e-0d6c1f0b2a11", "x": 0, "y": 0, "w": 2, "h": 1}
                ]
            },
            "parameters": [{"name": "env", "label": "Environment", "options": ["a", "b"]}],
        },
    ]
}

MANIFESTS = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: public-buckets
spec:
  title: Which buckets are public?
  queries:
    - name: query0
      query: FIND aws_s3_bucket WITH public = true
---
apiVersion: j1sync/v1
kind: ResourceGroup
metadata:
  name: Cloud security
spec:
  permissions: []
---
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Cloud posture
spec:
  category: Security
  resourceGroup: Cloud security
  parameters:
    - name: environment
      label: Environment
      options: [production, staging]
      default: production
  widgets:
    buckets:
      title: Public buckets
      type: number
      question: public-buckets
      settings:
        number: {success: 0, warning: 5}
        colors: [red, green]
    users:
      title: Users
      type: table
      queries:
        - name: users
          query: FIND User WITH active = true
  layouts:
    lg:
      - {widget: buckets, x: 0, y: 0, w: 4, h: 2}
      - {widget: users, x: 4, y: 0, w: 8, h: 4}
    xs:
      - {widget: users, x: 0, y: 0, w: 1, h: 4}
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed=SEED, api_key=API_KEY, page_size=7) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def changes(account: Account, path: str | None = None) -> dict[str, dict[str, Any]]:
    result = account.run("plan", path or account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    return {c["address"]: c for c in json.loads(result.stdout)["changes"]}


def converge(account: Account, path: str | None = None) -> None:
    applied = account.run("apply", path or account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", path or account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def boards(account: Account) -> list[dict[str, Any]]:
    return list(account.emu.snapshot()[BOARDS])


def account_board(account: Account, name: str) -> dict[str, Any]:
    return next(b for b in boards(account) if b["name"] == name and b["type"] == "Account")


def others(account: Account) -> list[dict[str, Any]]:
    """The boards j1sync must never touch: personal and JupiterOne-managed ones."""
    return [b for b in boards(account) if b["type"] == "User" or b["isJ1ManagedBoard"]]


def parameters_of(account: Account, board_id: str) -> list[dict[str, Any]]:
    found = account.emu.snapshot().get("dashboard_parameters", [])
    return [p for p in found if p["dashboardId"] == board_id]


def test_a_board_is_created_with_keyed_widgets_layouts_parameters_and_references(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    planned = changes(account)
    assert planned["Dashboard/Cloud posture"]["action"] == "create"
    untouched = others(account)
    converge(account)
    board = account_board(account, "Cloud posture")
    snapshot = account.emu.snapshot()
    question = next(q for q in snapshot["questions"] if q["name"] == "public-buckets")
    group = next(g for g in snapshot["resource_groups"] if g["name"] == "Cloud security")
    assert board["resourceGroupId"] == group["id"]
    assert board["category"] == "Security"
    widgets = {w["id"]: w for w in board["widgets"]}
    assert sorted(widgets) == ["buckets", "users"]
    assert widgets["buckets"]["questionId"] == question["id"]
    assert widgets["users"]["config"]["queries"][0]["query"] == "FIND User WITH active = true"
    assert [(i["i"], i["x"], i["w"]) for i in board["layouts"]["lg"]] == [
        ("buckets", 0, 4),
        ("users", 4, 8),
    ]
    assert [i["i"] for i in board["layouts"]["xs"]] == ["users"]
    assert board["layouts"]["md"] == []
    [parameter] = parameters_of(account, board["id"])
    assert (parameter["name"], parameter["options"], parameter["default"]) == (
        "environment",
        ["production", "staging"],
        "production",
    )
    # the personal board of the same name was neither matched nor changed
    assert others(account) == untouched


def test_an_update_changes_exactly_the_edited_paths_and_applies(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    edited = (
        MANIFESTS.replace("title: Users\n", "title: Active users\n")
        .replace(
            "{widget: users, x: 4, y: 0, w: 8, h: 4}", "{widget: users, x: 4, y: 0, w: 6, h: 4}"
        )
        .replace("      default: production\n", "")
        .replace("  category: Security\n", "")
    )
    account.write("all.yaml", edited)
    planned = changes(account)["Dashboard/Cloud posture"]
    assert planned["action"] == "update"
    assert planned["changed_paths"] == [
        "category",
        "layouts.lg[1].w",
        "parameters[0].default",
        "widgets.users.title",
    ]
    converge(account)
    board = account_board(account, "Cloud posture")
    assert board["category"] in (None, "")
    assert {w["id"]: w["title"] for w in board["widgets"]}["users"] == "Active users"
    [parameter] = parameters_of(account, board["id"])
    assert parameter["default"] is None


def test_a_widget_removed_and_one_added_and_the_board_deleted_on_prune(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    untouched = others(account)
    replaced = MANIFESTS.replace(
        "    users:\n      title: Users\n", "    people:\n      title: Users\n"
    )
    replaced = replaced.replace("widget: users", "widget: people")
    account.write("all.yaml", replaced)
    converge(account)
    board = account_board(account, "Cloud posture")
    assert sorted(w["id"] for w in board["widgets"]) == ["buckets", "people"]
    assert [i["i"] for i in board["layouts"]["xs"]] == ["people"]

    # prune: only account boards without a manifest go, and only when asked for
    account.write("all.yaml", MANIFESTS.split("---\napiVersion: j1sync/v1\nkind: Dashboard")[0])
    planned = changes(account)
    assert all(c["action"] != "delete" for c in planned.values())
    account.write("j1sync.yaml", "prune:\n  Dashboard: true\n")
    result = account.run("plan", account.manifests, "--format", "json")
    plan = json.loads(result.stdout)
    deleted = sorted(c["address"] for c in plan["changes"] if c["action"] == "delete")
    assert deleted == ["Dashboard/Cloud posture", "Dashboard/Hand made"]
    # deleting every board j1sync manages is blocked unless forced (the safety rule)
    assert plan["safety"]["blocked"] is True and result.exit_code == 3
    applied = account.run("apply", account.manifests, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    remaining = [b for b in boards(account) if b["type"] == "Account"]
    assert [b["name"] for b in remaining] == ["Cloud Native Security"]  # JupiterOne's own
    assert others(account) == untouched
    assert len(untouched) == 3


def test_personal_and_j1_boards_are_not_unmanaged_and_hand_made_boards_are(
    account: Account,
) -> None:
    account.write("all.yaml", MANIFESTS)
    result = account.run("plan", account.manifests, "--format", "json")
    unmanaged = [u["address"] for u in json.loads(result.stdout)["unmanaged"]]
    assert [a for a in unmanaged if a.startswith("Dashboard/")] == ["Dashboard/Hand made"]


def test_a_layout_naming_an_undeclared_widget_is_a_located_validate_error(
    account: Account,
) -> None:
    path = account.write(
        "all.yaml", MANIFESTS.replace("{widget: users, x: 0", "{widget: user, x: 0")
    )
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1
    line = MANIFESTS.splitlines().index("      - {widget: users, x: 0, y: 0, w: 1, h: 4}") + 1
    assert (
        f"{path}:{line}:18: Dashboard/Cloud posture: spec.layouts.xs[0].widget: names widget "
        "'user', which this board does not declare (widgets: buckets, users)"
    ) in result.output
    assert "Traceback" not in result.output


def test_a_widget_naming_an_undeclared_question_is_a_validate_error(account: Account) -> None:
    account.write(
        "all.yaml", MANIFESTS.replace("question: public-buckets", "question: public-bucket")
    )
    result = account.run("validate", account.manifests)
    assert result.exit_code == 1
    assert (
        "spec.widgets.buckets.question: no Question manifest named 'public-bucket'; "
        "did you mean 'public-buckets'?" in result.output
    )


def test_settings_reordered_or_given_ids_by_the_server_are_no_change(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    board = account_board(account, "Cloud posture")
    buckets = next(w for w in board["widgets"] if w["id"] == "buckets")
    # the emulator keeps settings in jsonb order, not as written
    assert list(buckets["config"]["settings"]) == ["colors", "number"]
    settings = buckets["config"]["settings"]
    buckets["config"]["settings"] = {
        "number": {"warning": 5, "id": "srv-7", "success": 0},
        "__typename": "Settings",
        "colors": ["red", "green"],
    }
    account.emu.backend.store.replace(BOARDS, board)
    assert buckets["config"]["settings"] != settings
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    # a list's order is meaning: reordered colours are a change
    buckets["config"]["settings"]["colors"] = ["green", "red"]
    account.emu.backend.store.replace(BOARDS, board)
    planned = changes(account)["Dashboard/Cloud posture"]
    assert planned["changed_paths"] == ["widgets.buckets.settings.colors"]


def test_a_hand_edited_board_is_drift_and_apply_heals_it(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    board = account_board(account, "Cloud posture")
    board["layouts"]["lg"][0]["w"] = 12
    board["widgets"][0]["title"] = "Renamed in the app"
    account.emu.backend.store.replace(BOARDS, board)
    drift = account.run("drift", account.manifests)
    assert drift.exit_code == 2, drift.output
    converge(account)
    healed = account_board(account, "Cloud posture")
    assert healed["layouts"]["lg"][0]["w"] == 4
    assert {w["id"]: w["title"] for w in healed["widgets"]}["buckets"] == "Public buckets"


def test_export_writes_boards_that_plan_as_no_change(account: Account, tmp_path: Path) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    out = tmp_path / "exported"
    result = account.run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (out / "dashboards").iterdir())
    assert written == ["cloud-posture.yaml", "hand-made.yaml"]  # no personal or J1 board
    text = (out / "dashboards" / "hand-made.yaml").read_text()
    # settings as the account holds them, the ids the server wrote in them included
    assert "3f1c7e1a-5b0e-4c55-9d5e-0d6c1f0b2a11:" in text and "id: srv-1" in text
    planned = account.run("plan", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


@pytest.mark.parametrize(
    ("summary", "touched"),
    [
        ({"type": "Account"}, True),
        ({"type": "ACCOUNT"}, True),  # the 2023 schema's DashboardType spelling
        ({"type": "User"}, False),
        ({"type": "Account", "isJ1ManagedBoard": True}, False),
        ({}, False),  # no type: not known to be an account board
    ],
)
def test_which_boards_j1sync_may_touch(summary: dict[str, Any], touched: bool) -> None:
    assert is_account_board(summary) is touched


def test_boards_alone_are_exported_with_a_hint_when_widgets_show_questions(
    account: Account, tmp_path: Path
) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    out = tmp_path / "boards"
    result = account.run("export", "--kind", "Dashboard", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "widgets show a saved question (question)" in result.stderr
    assert "--kind Question" in result.stderr
    text = (out / "dashboards" / "cloud-posture.yaml").read_text()
    assert "question: public-buckets" in text


def test_a_board_leaves_its_group_before_the_group_is_pruned(account: Account) -> None:
    account.write("all.yaml", MANIFESTS)
    converge(account)
    without_group = MANIFESTS.replace("  resourceGroup: Cloud security\n", "")
    without_group = without_group.replace(
        "---\napiVersion: j1sync/v1\nkind: ResourceGroup\nmetadata:\n  name: Cloud security\n"
        "spec:\n  permissions: []\n",
        "",
    )
    account.write("all.yaml", without_group)
    account.write("j1sync.yaml", "prune:\n  ResourceGroup: true\n")
    result = account.run("plan", account.manifests, "--format", "json")
    planned = {c["address"]: c for c in json.loads(result.stdout)["changes"]}
    assert planned["Dashboard/Cloud posture"]["changed_paths"] == ["resourceGroup"]
    assert planned["ResourceGroup/Cloud security"]["action"] == "delete"
    applied = account.run("apply", account.manifests, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert account_board(account, "Cloud posture")["resourceGroupId"] is None
    assert account.emu.snapshot().get("resource_groups", []) == []


def test_a_board_of_unknown_type_named_like_a_manifest_stops_the_run(account: Account) -> None:
    account.emu.seed_objects({"dashboards": [{"name": "Typeless", "type": None}]})
    before = [b for b in boards(account) if b["name"] == "Typeless"]
    account.write("all.yaml", MANIFESTS.replace("name: Cloud posture", "name: Typeless"))
    result = account.run("plan", account.manifests)
    assert result.exit_code == 1
    assert "Dashboard/Typeless: JupiterOne did not say whether the board named 'Typeless'" in (
        result.output
    )
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 1
    assert [b for b in boards(account) if b["name"] == "Typeless"] == before


def test_many_boards_are_read_in_batches(account: Account) -> None:
    account.emu.seed_objects(
        {"dashboards": [{"name": f"Board {n:02}", "category": "Bulk"} for n in range(23)]}
    )
    account.write("all.yaml", MANIFESTS)
    account.emu.stats.reset()
    result = account.run("plan", account.manifests, "--format", "json")
    assert result.exit_code == 0, result.output
    unmanaged = [u["address"] for u in json.loads(result.stdout)["unmanaged"]]
    assert sorted(a for a in unmanaged if a.startswith("Dashboard/")) == sorted(
        ["Dashboard/Hand made", *(f"Dashboard/Board {n:02}" for n in range(23))]
    )
    # 24 account boards whole in 3 aliased requests (10 a request), not 24
    assert account.emu.stats.operations["J1SyncDashboardBoards"] == 3
    assert account.emu.stats.requests["getDashboard"] == 24
