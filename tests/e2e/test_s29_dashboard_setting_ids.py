"""Keys named `id` or `__typename` inside a widget's settings are ignored when a plan
compares settings, and nothing more: they were also cut from what apply sent and what
export wrote, so a board made in the app lost its table columns' ids on export, and on any
apply that rewrote its widgets. Now apply sends the settings as the manifest writes them
and export writes them as the account holds them; a plan that differs only in such keys
is still no change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.models.dashboard import settings_to_write, settings_value
from tests.e2e.conftest import API_KEY, Account

CREATE = """
mutation($input: CreateInsightsDashboardInput!) { createDashboard(input: $input) { id } }
"""
COLUMNS = {"table": {"columns": [{"id": "c1", "label": "Name"}]}, "z": 1.5}
HAND_MADE = {
    "name": "Hand made",
    "type": "Account",
    "widgets": [
        {
            "id": "w1",
            "title": "People",
            "type": "table",
            "config": {"queries": [{"name": "q", "query": "FIND User"}], "settings": COLUMNS},
        },
        {"id": "w2", "title": "Hosts", "type": "number", "config": {"settings": {}}},
    ],
    "layouts": {},
}
BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Written
spec:
  widgets:
    w:
      title: Settings
      type: table
      settings: '{"b": 1.0, "a": {"id": "x", "z": [3, 1]}}'
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def create_by_hand(account: Account, board: dict[str, Any]) -> None:
    """As the app would: straight through the API, not through j1sync."""
    answer = requests.post(
        account.emu.graphql_url,
        json={"query": CREATE, "variables": {"input": board}},
        headers={
            "Authorization": f"Bearer {account.emu.api_key}",
            "JupiterOne-Account": account.emu.account,
        },
        timeout=10,
    )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text


def live_settings(account: Account, board: str) -> dict[str, Any]:
    found = next(b for b in account.emu.snapshot()["dashboards"] if b["name"] == board)
    return {w["id"]: w["config"]["settings"] for w in found["widgets"]}


def test_export_keeps_setting_ids_and_an_unrelated_apply_keeps_them_live(
    account: Account, tmp_path: Path
) -> None:
    create_by_hand(account, HAND_MADE)
    out = tmp_path / "exported"
    exported = account.run("export", "--out", str(out), "--kind", "Dashboard")
    assert exported.exit_code == 0, exported.output
    path = out / "dashboards" / "hand-made.yaml"
    document = yaml.safe_load(path.read_text())
    settings = document["spec"]["widgets"]["w1"]["settings"]
    assert settings == {"table": {"columns": [{"id": "c1", "label": "Name"}]}, "z": 1.5}
    unchanged = account.run("plan", str(out), "--detailed-exitcode")
    assert unchanged.exit_code == 0, unchanged.output

    # another widget's title edited: apply rewrites every widget of the board
    document["spec"]["widgets"]["w2"]["title"] = "Servers"
    path.write_text(yaml.safe_dump(document))
    applied = account.run("apply", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert live_settings(account, "Hand made")["w1"] == COLUMNS
    again = account.run("plan", str(out), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_manifests_setting_ids_are_stored_as_written(account: Account) -> None:
    account.write("board.yaml", BOARD)
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert live_settings(account, "Written")["w"] == {"b": 1, "a": {"id": "x", "z": [3, 1]}}
    again = account.run("plan", account.manifests, "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_settings_that_differ_only_in_server_keys_are_no_change(account: Account) -> None:
    account.write("board.yaml", BOARD)
    assert account.run("apply", account.manifests, "--auto-approve").exit_code == 0
    board = next(b for b in account.emu.snapshot()["dashboards"] if b["name"] == "Written")
    board["widgets"][0]["config"]["settings"] = {
        "__typename": "Settings",
        "b": 1,
        "a": {"id": "y", "z": [3, 1]},
    }
    account.emu.backend.store.replace("dashboards", board)
    unchanged = account.run("plan", account.manifests, "--detailed-exitcode")
    assert unchanged.exit_code == 0, unchanged.output

    # a real change beside them: the settings are written as the manifest says (its id
    # shown too, as it will be written), keeping the server's key the manifest leaves out
    account.write("board.yaml", BOARD.replace('"b": 1.0', '"b": 2'))
    planned = account.run("plan", account.manifests, "--format", "json")
    assert planned.exit_code == 0, planned.output
    (change,) = json.loads(planned.stdout)["changes"]
    assert change["changed_paths"] == ["widgets.w.settings.a.id", "widgets.w.settings.b"]
    applied = account.run("apply", account.manifests, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert live_settings(account, "Written")["w"] == {
        "__typename": "Settings",
        "b": 2,
        "a": {"id": "x", "z": [3, 1]},
    }


def test_a_server_key_is_no_change_but_a_type_is() -> None:
    held = settings_value({"a": {"id": "y", "on": 1}})
    assert settings_to_write(settings_value('{"a": {"on": 1.0}}'), held) is held
    wanted = settings_value({"a": {"on": True}})
    assert settings_to_write(wanted, held) == {"a": {"id": "y", "on": True}}
