"""`plan --out`, then `apply --plan` hours later (the pull request's plan, applied on
merge): between the two, someone made by hand a question naming a parameter the plan
deletes (`prune: Parameter`), or a rule running a question the plan deletes. The plan
would have kept either (docs/manifests.md, "Not deleted, still in use"), but apply --plan
read only the kinds the plan touches and deleted the parameter, leaving the hand-made
question naming one that no longer exists (or failed half-way on the question's delete).
Now the saved plan is stale: refused before any change, naming the object and its new
user; a new plan keeps it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question

HAND_QUESTION = {
    "name": "hand-q",
    "title": "Users of the owner",
    "tags": [],
    "queries": [{"name": "q", "query": "Find User with name = ${ param.owner }"}],
}
HAND_RULE = {
    "name": "hand-rule",
    "tags": [],
    "questionName": "used",
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [{"type": "CREATE_ALERT"}],
        }
    ],
}
REGION = "apiVersion: j1sync/v1\nkind: Parameter\nmetadata:\n  name: region\nspec:\n  value: eu\n"
KEPT = {  # declared, and no change: a plan deleting every managed object is held by safety
    "questions": [seeded_question("keep", "Question keep")],
    "parameters": [{"name": "region", "value": "eu"}],
}
CASES = {
    "parameter": (
        {**KEPT, "parameters": [*KEPT["parameters"], {"name": "owner", "value": "alice"}]},
        {"questions": [HAND_QUESTION]},
        "Parameter/owner: now used by Question/hand-q",
    ),
    "question": (
        {**KEPT, "questions": [*KEPT["questions"], seeded_question("used")]},
        {"rules": [HAND_RULE]},
        "Question/used: now used by AlertRule/hand-rule",
    ),
}


def _names(emu: Any) -> set[str]:
    return {str(o.get("name")) for objects in emu.snapshot().values() for o in objects}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_saved_plan_deleting_what_is_now_used_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.chdir(tmp_path)
    seeded, made_since, problem = CASES[case]
    Path("j1sync.yaml").write_text("paths: [m]\nprune:\n  Parameter: true\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")
    Path("m/region.yaml").write_text(REGION, encoding="utf-8")
    with running_emulator(seed={**BASE_SEED, **seeded}) as emu:
        planned = jupiterone_run(emu, "plan", "--out", "plan.json")
        assert planned.exit_code == 0, planned.output
        assert "1 to delete" in planned.output
        emu.seed_objects(made_since)
        before = _names(emu)

        applied = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
        assert applied.exit_code == 1, applied.output
        assert "the plan is stale" in applied.output
        assert problem in applied.output
        assert "Traceback" not in applied.output
        assert _names(emu) == before

        # planned again, it is kept: nothing to do
        again = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert again.exit_code == 0, again.output
