"""The contract tests against a real xyOps server: opt in with XYOPS_URL and XYOPS_API_KEY.

    XYOPS_URL=https://xyops.example.com XYOPS_API_KEY=... pytest tests/contract/test_real_xyops.py

A real server cannot be reset, snapshotted from the inside or made to fail on purpose, so
this runs the part of the contract that needs none of that (docs/xyops.md, "Testing
against a real server"): convergence with every other object left as it was, one field
changing exactly its path, drift healed, export round trip. It only ever manages objects
whose ids start with a prefix made for the run (`j1sync_test_<random>_`), under a managed
tag of the same name, so the marker of every other object — j1sync's own included — is
not its own; at the end it deletes what it made (an empty apply of its managed tag, then
any prefixed object left) and checks none is left. The key needs the create, edit and
delete privileges of tags, categories, server groups, channels, monitors, alerts and
events. Without both variables every test here is skipped, saying why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.errors import J1SyncError
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.kinds import KIND_APIS
from j1sync.providers.xyops.settings import XyopsSettings
from j1sync.providers.xyops.system import SYSTEM as XYOPS
from tests.contract.suite import Workspace
from tests.contract.systems import Snapshot
from tests.contract.xyops_system import SYSTEM, TOKEN, TOKEN_VARIABLE

REAL_VARIABLES = ("XYOPS_URL", "XYOPS_API_KEY")
pytestmark = pytest.mark.skipif(
    not all(os.environ.get(name) for name in REAL_VARIABLES),
    reason="opt-in: set XYOPS_URL and XYOPS_API_KEY to run the contract tests against a "
    "real xyOps server (docs/xyops.md)",
)

RUN = f"j1sync_test_{secrets.token_hex(4)}"  # ids, and the managed tag, of this run
LISTS = [api.list_name for api in KIND_APIS.values()]


def ids(suffix: str) -> str:
    return f"{RUN}_{suffix}"


def manifests(tag_title: str = "Contract run tag") -> dict[str, str]:
    """One object of each kind that needs no user, plugin or server of its own."""

    def doc(kind: str, name: str, spec: str) -> str:
        head = f"apiVersion: {XYOPS.api_version}\nkind: {kind}\n"
        return f"{head}metadata:\n  name: {name}\nspec:\n{spec}"

    return {
        "tag.yaml": doc("Tag", ids("tag"), f"  title: {tag_title}\n"),
        "category.yaml": doc(
            "Category",
            ids("category"),
            "  title: Contract run\n  color: blue\n  limits:\n    - {type: time, duration: 600}\n",
        ),
        "group.yaml": doc(
            "ServerGroup", ids("group"), f"  title: Contract run\n  hostname_match: ^{RUN}$\n"
        ),
        "channel.yaml": doc("Channel", ids("channel"), "  title: Contract run\n  max_per_day: 5\n"),
        "monitor.yaml": doc(
            "Monitor",
            ids("monitor"),
            f"  title: Contract run\n  source: memory.used\n  groups: [{ids('group')}]\n",
        ),
        "alert.yaml": doc(
            "Alert",
            ids("alert"),
            f"  title: Contract run\n  expression: monitors.{ids('monitor')} > 1000000000000\n"
            f"  message: never\n  enabled: false\n  monitor_id: {ids('monitor')}\n"
            "  actions:\n    - {condition: alert_new, type: channel, "
            f"channel_id: {ids('channel')}}}\n",
        ),
        "event.yaml": doc(
            "Event",
            ids("event"),
            f"  title: Contract run\n  enabled: false\n  category: {ids('category')}\n"
            f"  plugin: shellplug\n  targets: [{ids('group')}]\n  tags: [{ids('tag')}]\n"
            # xyOps's stock Shell Script plugin requires its script (internal/setup.json)
            "  params: {script: 'echo j1sync contract run'}\n",
        ),
    }


class RealXyops:
    """The server XYOPS_URL names, as the suite's Workspace drives a target: its
    environment and a read of every list. Nothing here resets it or switches faults."""

    def __init__(self) -> None:
        settings = XyopsSettings.from_env(target={})
        self.client = XyopsClient(settings)

    def env(self) -> dict[str, str]:
        # the suite's token variable too: no command may print its value
        return {**{name: os.environ[name] for name in REAL_VARIABLES}, TOKEN_VARIABLE: TOKEN}

    def snapshot(self) -> Snapshot:
        answer = self.client.read("get_multiple", {"lists": LISTS})
        return {name: list(answer.get(name) or []) for name in LISTS}

    def ours(self) -> dict[str, list[str]]:
        """The ids of this run's objects on the server, per list."""
        snapshot = self.snapshot()
        return {
            name: [str(o["id"]) for o in rows if str(o.get("id", "")).startswith(RUN)]
            for name, rows in snapshot.items()
        }

    def delete_left_over(self) -> None:
        """Delete this run's objects, users before what they use (reverse kind order)."""
        for api in reversed(list(KIND_APIS.values())):
            for object_id in self.ours()[api.list_name]:
                try:
                    self.client.write(f"delete_{api.noun}", {"id": object_id})
                except J1SyncError as exc:
                    print(f"could not delete {api.noun} {object_id}: {exc}")

    # the emulator-only parts of the suite's Target: never used here
    def reset(self, account: Any) -> None:
        raise AssertionError("a real server is never reset")


def others(snapshot: Snapshot) -> dict[tuple[str, str], Any]:
    """Every object that is not this run's, as the server holds it (server-set fields
    that change on their own left out)."""
    return {
        (name, str(row.get("id"))): {k: v for k, v in row.items() if k != "modified"}
        for name, rows in snapshot.items()
        for row in rows
        if not str(row.get("id", "")).startswith(RUN)
    }


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, RealXyops]]:
    server = RealXyops()
    root = tmp_path_factory.mktemp("real-xyops")
    project = f"paths: [manifests]\nxyops:\n  managedTag: {RUN}\n"  # the whole project: prunes
    (root / "j1sync.yaml").write_text(project, encoding="utf-8")
    workspace = Workspace(SYSTEM, server, root)  # type: ignore[arg-type]
    before = os.getcwd()
    os.chdir(root)  # the run's j1sync.yaml: its managed tag
    try:
        yield workspace, server
    finally:
        pruned: dict[str, list[str]] = {}
        try:
            workspace.write({})
            workspace.apply()  # prunes what carries this run's marker, nothing else
            pruned = {name: found for name, found in server.ours().items() if found}
        finally:
            server.delete_left_over()
            left = {name: found for name, found in server.ours().items() if found}
            server.client.close()
            os.chdir(before)
        assert left == {}, f"this run's objects are still on the server: {left}"
        assert pruned == {}, f"an empty apply of the run's managed tag left {pruned}"


def test_manifests_converge_and_nothing_else_changes(real: tuple[Workspace, RealXyops]) -> None:
    workspace, server = real
    before = server.snapshot()
    workspace.write(manifests())
    planned = workspace.plan()
    assert {a for a, c in planned.items() if c["action"] == "create"} == {
        f"xyops.{kind}/{ids(suffix)}"
        for kind, suffix in (
            ("Tag", "tag"),
            ("Category", "category"),
            ("ServerGroup", "group"),
            ("Channel", "channel"),
            ("Monitor", "monitor"),
            ("Alert", "alert"),
            ("Event", "event"),
        )
    }
    assert not [a for a, c in planned.items() if c["action"] == "delete"]
    workspace.assert_converged()
    after = server.snapshot()
    assert others(after) == others(before)
    assert {name: len(found) for name, found in server.ours().items() if found} == {
        name: 1 for name in LISTS if name not in ("web_hooks", "roles")
    }


def test_one_field_changes_exactly_its_path(real: tuple[Workspace, RealXyops]) -> None:
    workspace, _ = real
    workspace.write(manifests())
    workspace.assert_converged()
    workspace.write(manifests(tag_title="Contract run tag, renamed"))
    changes = {a: c for a, c in workspace.plan().items() if c["action"] != "no-op"}
    address = f"xyops.Tag/{ids('tag')}"
    assert list(changes) == [address]
    assert changes[address]["action"] == "update"
    assert list(changes[address]["changed_paths"]) == ["title"]
    workspace.assert_converged()


def test_a_hand_edit_is_drift_and_apply_heals_it(real: tuple[Workspace, RealXyops]) -> None:
    workspace, server = real
    workspace.write(manifests())
    workspace.assert_converged()
    server.client.write("update_channel", {"id": ids("channel"), "max_per_day": 99})
    drift = workspace.run("drift", workspace.manifests)
    assert drift.exit_code == 2, drift.output
    assert f"xyops.Channel/{ids('channel')}" in drift.output
    workspace.assert_converged()
    [channel] = [c for c in server.snapshot()["channels"] if c["id"] == ids("channel")]
    assert channel["max_per_day"] == 5


def test_export_of_this_run_plans_nothing(
    real: tuple[Workspace, RealXyops], tmp_path: Path
) -> None:
    workspace, _ = real
    workspace.write(manifests())
    workspace.assert_converged()
    out = tmp_path / "exported"
    exported = workspace.run(
        "export", "--system", "xyops", "--managed-only", "--managed-tag", RUN, "--out", str(out)
    )
    assert exported.exit_code == 0, exported.output
    written = sorted(p.stem for p in out.rglob("*.yaml"))
    assert len(written) == len(manifests()), written
    assert all(RUN.replace("_", "-") in name for name in written), written
    workspace.assert_no_changes(str(out))
