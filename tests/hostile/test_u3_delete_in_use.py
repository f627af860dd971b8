"""A plan deleted what a hand-made object still uses: a managed question an unmanaged rule
runs, or (with prune) a resource group a hand-made rule belongs to and the IAM group that
resource group gives rights to. The API refuses such a delete, so every apply failed on
it (exit 1) and every drift reported it (exit 2), forever, with nothing in the manifests
to fix. Now the plan keeps such an object, counted as unmanaged, and says why in the
text and Markdown plans; it is deleted once nothing left in place uses it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question


def _hand_rule(name: str, **joins: str) -> dict[str, Any]:
    """A rule made by hand (no managed tag) that runs a saved question or joins a resource
    group (`joins`: questionName or resourceGroup)."""
    rule: dict[str, Any] = {
        "name": name,
        "tags": [],
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
        **joins,
    }
    if "questionName" not in joins:
        rule["question"] = {"queries": [{"name": "q", "query": "Find Host"}]}
    return rule


def _project(*prune: str) -> None:
    """This folder: j1sync.yaml (paths: [m], prune for `prune`) and m/keep.yaml."""
    enabled = "".join(f"  {kind}: true\n" for kind in prune)
    Path("j1sync.yaml").write_text(
        "paths: [m]\n" + (f"prune:\n{enabled}" if prune else ""), encoding="utf-8"
    )
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")


def _names(emu: Any) -> set[str]:
    return {str(o.get("name")) for objects in emu.snapshot().values() for o in objects}


def test_a_managed_question_a_hand_made_rule_runs_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project()
    seed = {
        **BASE_SEED,
        "questions": [seeded_question("keep", "Question keep"), seeded_question("used")],
        "rules": [_hand_rule("hand", questionName="used")],
    }
    with running_emulator(seed=seed) as emu:
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert "Not deleted, still in use by objects this plan leaves alone:" in planned.output
        assert (
            "  Question/used: carries the managed tag 'j1sync' and no manifest declares it, "
            "but AlertRule/hand still uses it; not deleted"
        ) in planned.output

        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "failed" not in applied.output

        drift = jupiterone_run(emu, "drift", "--format", "markdown")
        assert drift.exit_code == 0, drift.output
        assert "> - `Question/used`: carries the managed tag" in drift.output

        saved = jupiterone_run(emu, "plan", "--format", "json")
        unmanaged = {u["address"]: u["note"] for u in json.loads(saved.stdout)["unmanaged"]}
        assert "AlertRule/hand still uses it" in unmanaged["Question/used"]
        assert "used" in _names(emu)

        # once the rule is gone, the question is deleted as before
        rule_id = next(r["id"] for r in emu.snapshot()["rules"] if r["name"] == "hand")
        emu.backend.store.delete("rules", rule_id)
        pruned = jupiterone_run(emu, "apply", "--auto-approve")
        assert pruned.exit_code == 0, pruned.output
        assert "deleted Question/used" in pruned.output
        assert "used" not in _names(emu)


def test_what_a_kept_object_uses_is_kept_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("IamGroup", "ResourceGroup")
    seed = {
        **BASE_SEED,
        "questions": [seeded_question("keep", "Question keep")],
        "iamGroups": [{"name": "auditors", "abacPermissions": ["readGraph"]}],
        "resourceGroups": [
            {"name": "audit", "permissions": [{"group": "auditors", "resourceArea": "rule"}]}
        ],
        "rules": [_hand_rule("hand", resourceGroup="audit")],
    }
    with running_emulator(seed=seed) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "failed" not in applied.output
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert (
            "  ResourceGroup/audit: prune is enabled for ResourceGroup in j1sync.yaml and no "
            "manifest declares it, but AlertRule/hand still uses it; not deleted"
        ) in planned.output
        assert "  IamGroup/auditors: prune is enabled" in planned.output
        assert "but ResourceGroup/audit still uses it; not deleted" in planned.output
        assert {"audit", "auditors"} <= _names(emu)
