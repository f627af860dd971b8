"""With `prune: IamGroup` and no ResourceGroup manifest (nor resource group prune), the
resource groups were not read, so an IAM group that a hand-made resource group gives
rights to was deleted: the resource group's permission was left naming a group that no
longer exists. Now a plan that deletes IAM groups reads the resource groups too (one that
deletes none reads none), and keeps such a group under "Not deleted, still in use"; a
saved plan applied after someone gave the group rights is stale. A pruned resource group
and the pruned IAM group it gives rights to go resource group first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question

KEPT = (
    "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: kept\n"
    "spec:\n  abacPermissions: [readGraph]\n"
)
GROUPS = [{"name": n, "abacPermissions": ["readGraph"]} for n in ("auditors", "kept")]
AUDIT = {"name": "audit", "permissions": [{"group": "auditors", "resourceArea": "rule"}]}


def _project(*prune: str) -> None:
    """This folder: j1sync.yaml (paths: [m], prune for `prune`), m/keep.yaml (a question)
    and m/kept.yaml (an IAM group: a plan deleting every managed one is held by safety)."""
    enabled = "".join(f"  {kind}: true\n" for kind in prune)
    Path("j1sync.yaml").write_text(f"paths: [m]\nprune:\n{enabled}", encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")
    Path("m/kept.yaml").write_text(KEPT, encoding="utf-8")


def _seed(**more: Any) -> dict[str, Any]:
    return {**BASE_SEED, "questions": [seeded_question("keep", "Question keep")], **more}


def _names(emu: Any, collection: str) -> set[str]:
    return {str(o["name"]) for o in emu.snapshot().get(collection, [])}


def test_an_iam_group_a_hand_made_resource_group_gives_rights_to_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("IamGroup")
    with running_emulator(seed=_seed(iamGroups=GROUPS, resourceGroups=[AUDIT])) as emu:
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert (
            "  IamGroup/auditors: prune is enabled for IamGroup in j1sync.yaml and no manifest "
            "declares it, but ResourceGroup/audit still uses it; not deleted"
        ) in planned.output
        saved = json.loads(jupiterone_run(emu, "plan", "--format", "json").stdout)
        assert not [u for u in saved["unmanaged"] if u["kind"] == "ResourceGroup"]

        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert _names(emu, "iam_groups") >= {"auditors", "kept"}


def test_a_plan_deleting_no_iam_group_reads_no_resource_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("IamGroup")
    with running_emulator(seed=_seed(iamGroups=GROUPS[1:], resourceGroups=[])) as emu:
        emu.stats.reset()
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert emu.stats.requests["resourceGroups"] == 0


def test_a_saved_plan_deleting_a_group_given_rights_since_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("IamGroup")
    with running_emulator(seed=_seed(iamGroups=GROUPS)) as emu:
        planned = jupiterone_run(emu, "plan", "--out", "plan.json")
        assert planned.exit_code == 0, planned.output
        assert "- IamGroup/auditors" in planned.output
        emu.seed_objects({"resourceGroups": [AUDIT]})

        applied = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
        assert applied.exit_code == 1, applied.output
        assert "the plan is stale" in applied.output
        assert "IamGroup/auditors: now used by ResourceGroup/audit" in applied.output
        assert "auditors" in _names(emu, "iam_groups")


def test_a_pruned_resource_group_goes_before_the_pruned_group_it_gives_rights_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("IamGroup", "ResourceGroup")
    with running_emulator(seed=_seed(iamGroups=GROUPS, resourceGroups=[AUDIT])) as emu:
        planned = jupiterone_run(emu, "plan", "--format", "json")
        changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
        assert changes["IamGroup/auditors"]["depends_on"] == ["ResourceGroup/audit"]
        applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")
        assert applied.exit_code == 0, applied.output
        lines = applied.output.splitlines()
        assert lines.index("deleted ResourceGroup/audit") < lines.index("deleted IamGroup/auditors")
        assert "auditors" not in _names(emu, "iam_groups")
        assert _names(emu, "resource_groups") == set()
