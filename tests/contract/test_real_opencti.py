"""The contract tests against a real OpenCTI platform: opt in with OPENCTI_URL and
OPENCTI_TOKEN.

    OPENCTI_URL=https://opencti.example.com OPENCTI_TOKEN=... \\
      pytest -n 0 tests/contract/test_real_opencti.py -rs

A real platform cannot be reset, snapshotted from the inside or made to fail on purpose
(it needs Elasticsearch, Redis, RabbitMQ and MinIO; none of that runs in CI), so this runs
the part of the contract that needs none of it (docs/opencti.md, "Testing against a real
platform"): convergence with every other object left as it was, one field changing
exactly its path, drift healed, export round trip. It only ever manages objects whose
names start with a prefix made for the run (`j1sync-test-<random>`), under a managed tag
of the same name, so the marker of every other object (j1sync's own included) is not its
own. It leaves the platform-wide objects alone: no marking definition, workflow or
settings manifest. At the end it deletes what it made (an empty apply of its managed tag,
then any prefixed object left: labels, kill chain phases and status templates are pruned
only on opt-in, which this run never enables) and checks none is left. The token's user
needs the capabilities of those kinds (an administrator has them). Without both variables
every test here is skipped, saying why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.errors import J1SyncError
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.kinds_base import OpenCtiKind, edit
from j1sync.providers.opencti.lock_store import is_lock_entry
from j1sync.providers.opencti.models import API_VERSION, KIND_CLASSES
from j1sync.providers.opencti.settings import OpenCtiSettings
from tests.contract.opencti_system import SYSTEM
from tests.contract.suite import Workspace
from tests.contract.systems import Snapshot

REAL_VARIABLES = ("OPENCTI_URL", "OPENCTI_TOKEN")
pytestmark = pytest.mark.skipif(
    not all(os.environ.get(name) for name in REAL_VARIABLES),
    reason="opt-in: set OPENCTI_URL and OPENCTI_TOKEN to run the contract tests against a "
    "real OpenCTI platform (docs/opencti.md)",
)

RUN = f"j1sync-test-{secrets.token_hex(4)}"  # names, and the managed tag, of this run
# The kinds this run declares (none platform-wide), in dependency order.
KINDS = (
    "Label",
    "KillChainPhase",
    "Vocabulary",
    "Role",
    "Group",
    "StatusTemplate",
    "TaxiiCollection",
    "StreamCollection",
    "Feed",
)
NAMES = {
    "Label": RUN,
    "KillChainPhase": f"{RUN}:delivery",
    "Vocabulary": f"report_types_ov:{RUN}",
    "Role": f"{RUN} analyst",
    "Group": f"{RUN} team",
    "StatusTemplate": f"{RUN}_REVIEW",
    "TaxiiCollection": f"{RUN} collection",
    "StreamCollection": f"{RUN} stream",
    "Feed": f"{RUN} feed",
}
# What carries j1sync's marker, so export --managed-only writes it.
MARKED = {kind for kind in KINDS if KIND_CLASSES[kind].marker_field is not None}


def manifests(label_color: str = "#ff9800") -> dict[str, str]:
    """One object of each kind this run declares."""

    def doc(kind: str, spec: str) -> str:
        name = NAMES[kind]
        return (
            f"apiVersion: {API_VERSION}\nkind: {kind}\nmetadata:\n  name: {name!r}\nspec:\n{spec}"
        )

    return {
        "label.yaml": doc("Label", f"  color: '{label_color}'\n"),
        "phase.yaml": doc("KillChainPhase", "  x_opencti_order: 3\n"),
        "vocabulary.yaml": doc("Vocabulary", "  description: Contract run\n  aliases: [a, b]\n"),
        "role.yaml": doc(
            "Role", "  description: Contract run\n  capabilities: [KNOWLEDGE, EXPLORE]\n"
        ),
        "group.yaml": doc(
            "Group",
            f"  description: Contract run\n  roles: [{NAMES['Role']!r}]\n"
            "  allowed_marking: ['TLP:GREEN']\n"
            "  group_confidence_level:\n    max_confidence: 50\n",
        ),
        "status.yaml": doc("StatusTemplate", "  color: '#9c27b0'\n"),
        "taxii.yaml": doc(
            "TaxiiCollection",
            "  description: Contract run\n  filters:\n    mode: and\n    filters:\n"
            "      - {key: [entity_type], values: [Indicator]}\n",
        ),
        "stream.yaml": doc("StreamCollection", "  description: Contract run\n"),
        "feed.yaml": doc(
            "Feed",
            "  description: Contract run\n  feed_types: [Indicator]\n  feed_attributes:\n"
            "    - attribute: value\n      mappings: [{type: Indicator, attribute: name}]\n",
        ),
    }


class RealOpenCti:
    """The platform OPENCTI_URL names, as the suite's Workspace drives a target: its
    environment and a read of every kind. Nothing here resets it or switches faults."""

    def __init__(self) -> None:
        settings = OpenCtiSettings(token=os.environ["OPENCTI_TOKEN"], url=os.environ["OPENCTI_URL"])
        self.client = OpenCtiClient(settings)
        self.kinds: dict[str, OpenCtiKind] = {
            kind: cls(self.client, RUN) for kind, cls in KIND_CLASSES.items()
        }

    def env(self) -> dict[str, str]:
        return {name: os.environ[name] for name in REAL_VARIABLES}

    def snapshot(self) -> Snapshot:
        """Every object of every kind as the API lists it (j1sync's lock entries out)."""
        return {
            kind: [row for row in api.read_rows() if not is_lock_entry(_flat(row))]
            for kind, api in self.kinds.items()
        }

    def ours(self) -> dict[str, list[str]]:
        """The ids of this run's objects on the platform, per kind."""
        return {
            kind: [str(row["id"]) for row in rows if RUN in self.kinds[kind].name_of(row)]
            for kind, rows in self.snapshot().items()
        }

    def delete_left_over(self) -> None:
        """Delete this run's objects, users before what they use (reverse kind order)."""
        for kind, found in reversed(list(self.ours().items())):
            for object_id in found:
                try:
                    self.kinds[kind].remove(object_id)
                except J1SyncError as exc:
                    print(f"could not delete {kind} {object_id}: {exc}")

    # the emulator-only part of the suite's Target: never used here
    def reset(self, account: Any) -> None:
        raise AssertionError("a real platform is never reset")


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    category = row.get("category")
    return {**row, "category": category.get("key") if isinstance(category, dict) else category}


def others(server: RealOpenCti, snapshot: Snapshot) -> dict[tuple[str, str], Any]:
    """Every object that is not this run's, as the platform lists it (time stamps that
    change on their own left out)."""
    return {
        (kind, str(row.get("id"))): {k: v for k, v in row.items() if k not in ("updated_at",)}
        for kind, rows in snapshot.items()
        for row in rows
        if RUN not in server.kinds[kind].name_of(row)
    }


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, RealOpenCti]]:
    server = RealOpenCti()
    root = tmp_path_factory.mktemp("real-opencti")
    project = f"paths: [manifests]\nopencti:\n  managedTag: {RUN}\n"  # the whole project: prunes
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
            pruned = {kind: found for kind, found in server.ours().items() if kind in MARKED}
            pruned = {kind: found for kind, found in pruned.items() if found}
        finally:
            server.delete_left_over()
            left = {kind: found for kind, found in server.ours().items() if found}
            server.client.close()
            os.chdir(before)
        assert left == {}, f"this run's objects are still on the platform: {left}"
        assert pruned == {}, f"an empty apply of the run's managed tag left {pruned}"


def test_manifests_converge_and_nothing_else_changes(real: tuple[Workspace, RealOpenCti]) -> None:
    workspace, server = real
    before = server.snapshot()
    workspace.write(manifests())
    planned = workspace.plan()
    assert {a for a, c in planned.items() if c["action"] == "create"} == {
        f"opencti.{kind}/{NAMES[kind]}" for kind in KINDS
    }
    assert not [a for a, c in planned.items() if c["action"] == "delete"]
    workspace.assert_converged()
    assert others(server, server.snapshot()) == others(server, before)
    assert {kind: len(found) for kind, found in server.ours().items() if found} == dict.fromkeys(
        KINDS, 1
    )


def test_one_field_changes_exactly_its_path(real: tuple[Workspace, RealOpenCti]) -> None:
    workspace, _ = real
    workspace.write(manifests())
    workspace.assert_converged()
    workspace.write(manifests(label_color="#2e7d32"))
    changes = {a: c for a, c in workspace.plan().items() if c["action"] != "no-op"}
    address = f"opencti.Label/{NAMES['Label']}"
    assert list(changes) == [address]
    assert changes[address]["action"] == "update"
    assert list(changes[address]["changed_paths"]) == ["color"]
    workspace.assert_converged()


def test_a_hand_edit_is_drift_and_apply_heals_it(real: tuple[Workspace, RealOpenCti]) -> None:
    workspace, server = real
    workspace.write(manifests())
    workspace.assert_converged()
    [role_id] = server.ours()["Role"]
    server.kinds["Role"].patch(role_id, [edit("description", ["Edited by hand"])])
    drift = workspace.run("drift", workspace.manifests)
    assert drift.exit_code == 2, drift.output
    assert f"opencti.Role/{NAMES['Role']}" in drift.output
    workspace.assert_converged()
    [role] = [r for r in server.snapshot()["Role"] if str(r["id"]) == role_id]
    assert str(role["description"]).startswith("Contract run")


def test_export_of_this_run_plans_nothing(
    real: tuple[Workspace, RealOpenCti], tmp_path: Path
) -> None:
    workspace, _ = real
    workspace.write(manifests())
    workspace.assert_converged()
    out = tmp_path / "exported"
    exported = workspace.run(
        "export", "--system", "opencti", "--managed-only", "--managed-tag", RUN, "--out", str(out)
    )
    assert exported.exit_code == 0, exported.output
    written = sorted(p.stem for p in out.rglob("*.yaml"))
    assert len(written) == len(MARKED), written
    assert all(RUN in name for name in written), written
    workspace.assert_no_changes(str(out))
