"""A managed saved question that a hand-made board's widget shows (questionId), in a project
with no Dashboard manifest: the boards were not read, so nothing said the question was
used, and apply deleted it, leaving the board's widget showing a question that no longer
exists. Now a plan that deletes questions (or resource groups) reads the account boards
too, once it knows it deletes (a plan that deletes nothing reads no board), and keeps the
question under "Not deleted, still in use"; a saved plan applied after someone made such
a board is stale. A managed board and the question it shows, both pruned, go board
first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question

KEEP = seeded_question("keep", "Question keep")  # declared: a plan deleting every managed
USED = {**seeded_question("used"), "id": "q-used"}  # question is held by the safety gate


def _board(name: str, question_id: str) -> dict[str, Any]:
    """A board (createDashboard's input) whose one widget shows the question `question_id`."""
    widget = {"id": "w1", "title": "Used", "type": "number", "questionId": question_id}
    return {"name": name, "widgets": [{**widget, "config": {"queries": []}}], "layouts": {}}


def _project(settings: str = "") -> None:
    """This folder: j1sync.yaml (paths: [m] and `settings`) and m/keep.yaml."""
    Path("j1sync.yaml").write_text("paths: [m]\n" + settings, encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")


def _questions(emu: Any) -> set[str]:
    return {str(q["name"]) for q in emu.snapshot()["questions"]}


def test_a_question_a_hand_made_board_shows_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project()
    seed = {**BASE_SEED, "questions": [KEEP, USED], "dashboards": [_board("Hand board", "q-used")]}
    with running_emulator(seed=seed) as emu:
        emu.stats.reset()
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert "Not deleted, still in use by objects this plan leaves alone:" in planned.output
        assert (
            "  Question/used: carries the managed tag 'j1sync' and no manifest declares it, "
            "but Dashboard/Hand board still uses it; not deleted"
        ) in planned.output
        # the boards were read once the plan deleted a question; the questions once
        assert emu.stats.requests["getDashboards"] == 1
        assert emu.stats.requests["questions"] == 1

        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "deleted Question/used" not in applied.output
        assert _questions(emu) == {"keep", "used"}

        saved = jupiterone_run(emu, "plan", "--format", "json")
        unmanaged = {u["address"]: u["note"] for u in json.loads(saved.stdout)["unmanaged"]}
        assert "Dashboard/Hand board still uses it" in unmanaged["Question/used"]
        # the board itself is not listed: it was read only for what it uses
        assert not [a for a in unmanaged if a.startswith("Dashboard/")]


def test_a_plan_that_deletes_nothing_reads_no_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("prune:\n  ResourceGroup: true\n")
    seed = {**BASE_SEED, "questions": [KEEP], "dashboards": [_board("Hand board", "")]}
    with running_emulator(seed=seed) as emu:
        emu.stats.reset()
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert emu.stats.requests["getDashboards"] == 0
        assert emu.stats.requests["getDashboard"] == 0


def test_a_saved_plan_deleting_a_question_a_board_now_shows_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project()
    with running_emulator(seed={**BASE_SEED, "questions": [KEEP, USED]}) as emu:
        planned = jupiterone_run(emu, "plan", "--out", "plan.json")
        assert planned.exit_code == 0, planned.output
        assert "- Question/used" in planned.output
        emu.seed_objects({"dashboards": [_board("Made since", "q-used")]})

        applied = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
        assert applied.exit_code == 1, applied.output
        assert "the plan is stale" in applied.output
        assert "Question/used: now used by Dashboard/Made since" in applied.output
        assert "Traceback" not in applied.output
        assert _questions(emu) == {"keep", "used"}


def test_a_managed_board_and_the_question_it_shows_go_board_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("prune:\n  Dashboard: true\n")
    seed = {**BASE_SEED, "questions": [KEEP, USED], "dashboards": [_board("Old board", "q-used")]}
    with running_emulator(seed=seed) as emu:
        planned = jupiterone_run(emu, "plan", "--format", "json")
        changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
        assert changes["Question/used"]["action"] == "delete"
        assert changes["Dashboard/Old board"]["action"] == "delete"
        assert changes["Question/used"]["depends_on"] == ["Dashboard/Old board"]

        applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")
        assert applied.exit_code == 0, applied.output
        lines = applied.output.splitlines()
        assert lines.index("deleted Dashboard/Old board") < lines.index("deleted Question/used")
        assert _questions(emu) == {"keep"}
        assert emu.snapshot().get("dashboards", []) == []
