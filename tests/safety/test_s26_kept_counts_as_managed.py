"""A managed object no manifest declares that something the plan leaves alone still uses is
kept ("Not deleted, still in use"): it is still a managed object of its kind. The safety
gate left it out of the kind's managed objects, so with two managed questions, one kept
and one deleted, it blocked the plan as "every managed object would be deleted (1 of 1)".
Now the kept one counts: 1 of 2, below the share rule's smallest count, not blocked. The
engine is the same for every system: an xyOps category a hand-made event is in, alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import jupiterone_run
from tests.hostile.manifests import question
from tests.xyops.helpers import CliServer

GROUP = (
    "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: g\n"
    "spec:\n  abacPermissions: [readGraph]\n"
)
HAND_RULE: dict[str, Any] = {
    "name": "hand-rule",
    "tags": [],
    "questionName": "qa",
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [{"type": "CREATE_ALERT"}],
        }
    ],
}


def _names(emu: Any, collection: str) -> list[str]:
    return sorted(str(o["name"]) for o in emu.snapshot().get(collection, []))


def _jupiterone_project() -> None:
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    for name in ("qa", "qb"):
        Path(f"m/{name}.yaml").write_text(question(name), encoding="utf-8")
    Path("m/g.yaml").write_text(GROUP, encoding="utf-8")


def test_a_kept_question_counts_among_the_managed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _jupiterone_project()
    with running_emulator(seed="none") as emu:
        made = jupiterone_run(emu, "apply", "--auto-approve")
        assert made.exit_code == 0, made.output
        assert _names(emu, "questions") == ["qa", "qb"]
        emu.seed_objects({"rules": [HAND_RULE]})
        for name in ("qa", "qb"):
            Path(f"m/{name}.yaml").unlink()

        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 2, planned.output
        out = " ".join(planned.output.split())
        assert "Not deleted, still in use" in out
        assert "but AlertRule/hand-rule still uses it; not deleted" in out
        assert "- Question/qb" in out
        assert "safety limit" not in out and "every managed object" not in out

        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "deleted Question/qb" in applied.output
        assert _names(emu, "questions") == ["qa"]
        assert _names(emu, "rules") == ["hand-rule"]


def test_every_managed_question_deleted_is_still_blocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the hand-made rule both go: the gate holds them, 2 of 2."""
    monkeypatch.chdir(tmp_path)
    _jupiterone_project()
    with running_emulator(seed="none") as emu:
        assert jupiterone_run(emu, "apply", "--auto-approve").exit_code == 0
        for name in ("qa", "qb"):
            Path(f"m/{name}.yaml").unlink()
        planned = jupiterone_run(emu, "plan")
        assert planned.exit_code == 3, planned.output
        assert "Question: every managed object would be deleted (2 of 2)" in planned.output
        assert _names(emu, "questions") == ["qa", "qb"]


KEY = "s26KeptCountsKey01234567"
CATEGORY = """apiVersion: xyops.j1sync/v1
kind: Category
metadata: {{name: {name}}}
spec: {{title: {name}}}
"""
TAG = """apiVersion: xyops.j1sync/v1
kind: Tag
metadata: {name: t}
spec: {title: T}
"""
HAND_EVENT: dict[str, Any] = {
    "id": "hand",
    "title": "Hand-made",
    "enabled": True,
    "category": "c1",
    "plugin": "shellplug",
    "targets": ["main"],
    "params": {"script": "echo hand"},
    "triggers": [],
    "actions": [],
    "limits": [],
    "tags": [],
    "notes": "",
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CliServer]:
    with CliServer.serving(tmp_path, KEY) as served:
        yield served


def test_a_kept_xyops_category_counts_among_the_managed_ones(server: CliServer) -> None:
    folder = server.root / "m"
    folder.mkdir()
    for name in ("c1", "c2"):
        (folder / f"{name}.yaml").write_text(CATEGORY.format(name=name), encoding="utf-8")
    (folder / "t.yaml").write_text(TAG, encoding="utf-8")
    made = server.run("apply", str(folder), "--auto-approve")
    assert made.exit_code == 0, made.output
    server.emu.seed_objects({"events": [HAND_EVENT]})
    for name in ("c1", "c2"):
        (folder / f"{name}.yaml").unlink()

    planned = server.run("plan", str(folder), "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    out = " ".join(planned.output.split())
    assert "but xyops.Event/hand still uses it; not deleted" in out
    assert "safety limit" not in out and "every managed object" not in out

    applied = server.run("apply", str(folder), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    categories = {str(c["id"]) for c in server.emu.snapshot()["categories"]}
    assert "c1" in categories and "c2" not in categories
    assert [e["id"] for e in server.emu.snapshot()["events"]] == ["hand"]
