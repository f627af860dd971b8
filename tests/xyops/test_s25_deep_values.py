"""xyOps (Node.js) keeps JSON nested as deep as it is sent. An object nested deeper than a
manifest may (yaml_source.MAX_NESTING, 64 levels) never stops a plan, a drift check or an
export (before: pydantic's "Maximum serialization depth exceeded" stopped every run, an
internal error, and an object between 65 and some 250 levels was exported to a manifest
the next plan refused): no manifest can declare it, so export leaves it out naming the
field, and a manifest declaring one updates it. The emulator answers a body nested
beyond what it follows with xyOps's `{code, description}` (before: a RecursionError and
the connection dropped, no HTTP answer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from j1sync.manifest.yaml_source import MAX_NESTING
from tests.xyops.helpers import CliServer

KEY = "s25DeepValuesKey01234567"
TAG = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata: {name: nightly}
spec: {title: Nightly}
"""
BACKUP = """apiVersion: xyops.j1sync/v1
kind: Event
metadata: {name: backup}
spec: {title: Backup, category: general, plugin: shellplug, targets: [main],
       params: {script: "echo hi"}}
"""


def nested(levels: int) -> Any:
    value: Any = "bottom"
    for _ in range(levels):
        value = {"a": value}
    return value


def deep_event(name: str, levels: int) -> dict[str, Any]:
    return {
        "id": name,
        "title": "Deep",
        "category": "general",
        "plugin": "shellplug",
        "targets": ["main"],
        "algo": "random",
        "triggers": [],
        "enabled": True,
        "params": {"script": "echo", "deep": nested(levels)},
    }


class Server(CliServer):
    def manifests(self, *documents: str) -> str:
        folder = self.root / "m"
        folder.mkdir(exist_ok=True)
        (folder / "all.yaml").write_text("---\n".join(documents))
        return str(folder)

    def call(self, name: str, body: Any) -> requests.Response:
        """An xyOps API call, by hand."""
        return requests.post(
            self.emu.api_url(name),
            data=json.dumps(body),
            headers={"X-API-Key": self.key, "Content-Type": "application/json"},
            timeout=30,
        )

    def event(self, name: str) -> dict[str, Any]:
        [event] = [e for e in self.emu.snapshot()["events"] if e["id"] == name]
        return event


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with Server.serving(tmp_path, KEY) as served:
        yield served


# params.deep nested 60 levels puts its text at a manifest's level 64, its deepest
DEEPEST = MAX_NESTING - 4


@pytest.mark.parametrize(
    "levels", [DEEPEST + 1, 300], ids=["one level beyond a manifest", "300 levels"]
)
def test_an_unmanaged_event_nested_too_deep_stops_no_plan_drift_or_export(
    server: Server, levels: int
) -> None:
    assert server.call("create_event", deep_event("deep", levels)).json()["code"] == 0
    assert server.call("create_event", deep_event("deepest", DEEPEST)).json()["code"] == 0
    folder = server.manifests(TAG)
    plan = server.run("plan", folder)
    assert plan.exit_code == 0, plan.output
    assert "internal error" not in plan.output
    assert server.run("apply", folder, "--auto-approve").exit_code == 0
    drift = server.run("drift", folder)
    assert drift.exit_code == 0, drift.output

    exported = server.run("export", "--system", "xyops", "--out", "exp", "--kind", "Event")
    assert exported.exit_code == 0, exported.output
    assert (
        "Warning: xyops.Event/deep: left out of the export: spec.params nests more than "
        f"{MAX_NESTING} levels deep, deeper than any manifest may"
    ) in exported.output
    assert not (server.root / "exp" / "events" / "deep.yaml").exists()
    assert "xyops.Event/deepest" not in exported.output  # a manifest holds it: exported
    assert (server.root / "exp" / "events" / "deepest.yaml").exists()
    (server.root / "exp" / "tags.yaml").write_text(TAG)
    again = server.run("plan", "exp")
    assert again.exit_code == 0, again.output
    assert server.event("deep")["params"]["deep"] == nested(levels)


def test_a_declared_event_nested_too_deep_in_xyops_is_updated_to_its_manifest(
    server: Server,
) -> None:
    folder = server.manifests(BACKUP)
    assert server.run("apply", folder, "--auto-approve").exit_code == 0
    live = server.event("backup")
    edited = {**deep_event("backup", 300), "notes": live["notes"], "revision": live["revision"]}
    assert server.call("update_event", edited).json()["code"] == 0

    plan = server.run("plan", folder)
    assert plan.exit_code == 0, plan.output
    assert "~ xyops.Event/backup" in plan.output
    assert f"nested more than {MAX_NESTING} levels deep" in plan.output
    drift = server.run("drift", folder)
    assert drift.exit_code == 2, drift.output  # drift, reported
    assert server.run("apply", folder, "--auto-approve").exit_code == 0
    assert server.event("backup")["params"] == {"script": "echo hi"}
    assert "No changes" in server.run("plan", folder).output


def test_the_emulator_answers_a_body_nested_beyond_what_it_follows(server: Server) -> None:
    answer = server.call("create_event", deep_event("deeper", 900))
    assert answer.status_code == 400
    refused = answer.json()
    assert refused["code"] == "api"
    assert refused["description"].startswith("Failed to parse JSON: nested more than ")
    assert "deeper" not in [e["id"] for e in server.emu.snapshot()["events"]]
    # as deep as it follows is kept, as xyOps keeps it
    kept = server.call("create_event", deep_event("deep", 350))
    assert kept.json()["code"] == 0
