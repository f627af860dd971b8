"""xyOps lets a tag or an event be deleted while other objects name it; where it checks the
reference on every write (an event's category and tags, a run_event action's event, a
workflow's event nodes), the plan refuses a manifest that keeps naming it. So export,
reading the same lists, deals with each such dead reference by the plan's own rule: a
dead tag or a run_event action of a dead event is dropped from the manifest, the object
kept; an event in a dead category or a workflow with an event node of a dead event is
left out. Each with a warning naming the object and the field, and the plan of the export
works (before: export wrote them as found, and that plan failed as a whole)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import Result

from tests.xyops.helpers import CliServer

KEY = "s25DeadReferencesKey0123"
TAG = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata: {name: nightly}
spec: {title: Nightly}
"""
GONE = """apiVersion: xyops.j1sync/v1
kind: Event
metadata: {name: gone}
spec: {title: Gone, category: general, plugin: shellplug, targets: [main],
       params: {script: "echo gone"}}
"""
BACKUP = """apiVersion: xyops.j1sync/v1
kind: Event
metadata: {name: backup}
spec:
  title: Backup
  category: general
  plugin: shellplug
  targets: [main]
  params: {script: "echo hi"}
"""
WORKFLOW = """apiVersion: xyops.j1sync/v1
kind: Event
metadata: {name: flow}
spec:
  title: Flow
  category: general
  type: workflow
  workflow:
    nodes:
      - {id: n1, type: trigger, x: 0, y: 0}
      - {id: n2, type: event, x: 100, y: 0, data: {event: gone}}
    connections:
      - {id: c1, source: n1, dest: n2}
"""
RUN_GONE = "{type: run_event, condition: success, event_id: gone}"
GROUP = f"""apiVersion: xyops.j1sync/v1
kind: ServerGroup
metadata: {{name: fleet}}
spec:
  title: Fleet
  hostname_match: "^fleet"
  alert_actions: [{RUN_GONE}]
"""
CATEGORY = f"""apiVersion: xyops.j1sync/v1
kind: Category
metadata: {{name: ops}}
spec:
  title: Ops
  actions: [{{type: email, condition: error, email: ops@example.com, users: []}}, {RUN_GONE}]
"""


class Server(CliServer):
    def apply(self, *documents: str) -> None:
        folder = self.root / "m"
        folder.mkdir(exist_ok=True)
        (folder / "all.yaml").write_text("---\n".join(documents))
        result = self.run("apply", str(folder), "--auto-approve")
        assert result.exit_code == 0, result.output

    def delete(self, call: str, name: str) -> None:
        """A hand deletion in xyOps, by its API."""
        answer = requests.post(
            self.emu.api_url(call), json={"id": name}, headers={"X-API-Key": self.key}
        )
        assert answer.json() == {"code": 0}

    def export(self, *args: str) -> Result:
        result = self.run("export", "--system", "xyops", "--out", "exp", *args)
        assert result.exit_code == 0, result.output
        # the emulator's own web hook's credentials, as its .env.example lists them
        example = self.root / "exp" / ".env.example"
        for line in example.read_text().splitlines() if example.exists() else []:
            if line.startswith("J1_") and line.endswith("="):
                self.env[line[:-1]] = "https://hooks.example.com/set-by-test"
        return result

    def plan(self) -> Result:
        return self.run("plan", "exp")

    def event(self, name: str) -> dict[str, object]:
        [event] = [e for e in self.emu.snapshot()["events"] if e["id"] == name]
        return event


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        yield served


def _changed(plan: Result) -> list[str]:
    """The addresses a plan's output updates, beside adopting them."""
    lines = plan.output.splitlines()
    return [
        line.strip().removeprefix("~ ")
        for line, after in zip(lines, [*lines[1:], ""], strict=True)
        if line.startswith("  ~ ") and "adopt:" not in after
    ]


@pytest.mark.parametrize("only", [(), ("--kind", "Event")], ids=["every kind", "--kind Event"])
def test_export_drops_a_deleted_tag_from_an_event_and_its_plan_works(
    server: Server, only: tuple[str, ...]
) -> None:
    server.apply(TAG, BACKUP + "  tags: [nightly]\n")
    server.delete("delete_tag", "nightly")
    exported = server.export(*only)
    assert (
        "Warning: xyops.Event/backup: spec.tags: dropped: Tag 'nightly' was deleted from "
        "xyOps since, and xyOps takes no write of this object while it names it"
    ) in exported.output
    assert "nightly" not in (server.root / "exp/events/backup.yaml").read_text()
    plan = server.plan()
    assert plan.exit_code == 0, plan.output
    assert _changed(plan) == ["xyops.Event/backup"]  # the tag taken out, as the warning said
    assert server.run("apply", "exp", "--auto-approve").exit_code == 0
    assert server.event("backup")["tags"] == []
    assert "No changes" in server.plan().output


@pytest.mark.parametrize(
    ("documents", "address", "field"),
    [
        ((BACKUP + f"  actions: [{RUN_GONE}]\n",), "xyops.Event/backup", "spec.actions[0]"),
        ((CATEGORY,), "xyops.Category/ops", "spec.actions[1]"),
        ((GROUP,), "xyops.ServerGroup/fleet", "spec.alert_actions[0]"),
    ],
    ids=["event action", "category action", "server group alert action"],
)
def test_export_drops_a_run_event_action_of_a_deleted_event_and_its_plan_works(
    server: Server, documents: tuple[str, ...], address: str, field: str
) -> None:
    server.apply(GONE, *documents)
    server.delete("delete_event", "gone")
    exported = server.export()
    assert (
        f"Warning: {address}: {field}: dropped, the whole item (event_id): Event 'gone' was "
        "deleted "
        "from xyOps since"
    ) in exported.output
    plan = server.plan()
    assert plan.exit_code == 0, plan.output
    assert _changed(plan) == [address]
    assert server.run("apply", "exp", "--auto-approve").exit_code == 0
    assert "No changes" in server.plan().output


def test_export_leaves_out_a_workflow_whose_event_node_names_a_deleted_event(
    server: Server,
) -> None:
    server.apply(GONE, BACKUP, WORKFLOW)
    server.delete("delete_event", "gone")
    exported = server.export()
    assert (
        "Warning: xyops.Event/flow: left out of the export: spec.workflow.nodes[1].data.event: "
        "Event 'gone' was deleted from xyOps since, and xyOps takes no write of this object "
        "while it names it"
    ) in exported.output
    assert not (server.root / "exp/events/flow.yaml").exists()
    assert (server.root / "exp/events/backup.yaml").exists()
    # the export is the whole project: it prunes, and never what export left out
    (server.root / "exp" / "j1sync.yaml").write_text("managedTag: j1sync\n")
    plan = server.plan()
    assert plan.exit_code == 0, plan.output
    assert _changed(plan) == []
    assert " 0 to delete" in plan.output
    assert server.run("apply", "exp", "--auto-approve").exit_code == 0
    assert server.event("flow")["workflow"]


def test_export_leaves_out_an_event_whose_category_is_gone(server: Server) -> None:
    """xyOps refuses to delete a category events are in; one gone all the same (its
    storage edited by hand) leaves the event out, its category being required."""
    server.emu.seed_objects(
        {
            "events": [
                {
                    "id": "orphan",
                    "title": "Orphan",
                    "category": "vanished",
                    "plugin": "shellplug",
                    "targets": ["main"],
                    "params": {"script": "echo"},
                }
            ]
        }
    )
    exported = server.export()
    assert (
        "Warning: xyops.Event/orphan: left out of the export: spec.category: Category "
        "'vanished' was deleted from xyOps since"
    ) in exported.output
    plan = server.plan()
    assert plan.exit_code == 0, plan.output
