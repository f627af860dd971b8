"""Adopting an account (docs/gitops.md: export, then `apply --auto-approve`, which only adds
the managed tag) was blocked by the safety gate once a kind had 10 objects: each adoption
counted as an update of a managed object ("Question: 12 of 12 managed objects would be
deleted or updated"), though none carried the tag. The gate now weighs only objects
that carry the tag already: updates and deletes of managed objects are gated as before,
and so is a managed tag changed to one that hand-made objects carry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import declared_questions, jupiterone_run, seeded_question

QUESTIONS, RULES = 12, 10


def _rule(name: str) -> dict[str, Any]:
    """A hand-made rule (no managed tag), as a JupiterOne seed holds it."""
    return {
        "name": name,
        "tags": ["team"],
        "question": {"queries": [{"name": "query0", "query": "Find Host"}]},
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.query0.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
    }


def test_adopting_an_exported_account_is_not_blocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seed = {
        **BASE_SEED,
        "questions": [seeded_question(f"q{i}", f"Q {i}", tagged=False) for i in range(QUESTIONS)],
        "rules": [_rule(f"r{i}") for i in range(RULES)],
    }
    with running_emulator(seed=seed) as emu:
        exported = jupiterone_run(emu, "export", "--kind", "Question", "--kind", "AlertRule")
        assert exported.exit_code == 0, exported.output
        Path("j1sync.yaml").write_text("paths: [manifests]\n", encoding="utf-8")

        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 2, planned.output  # changes, not blocked (3)
        assert "Blocked by a safety limit" not in planned.output
        assert f"0 to create, {QUESTIONS + RULES} to update, 0 to delete" in planned.output

        adopted = jupiterone_run(emu, "apply", "--auto-approve")
        assert adopted.exit_code == 0, adopted.output
        assert f"Apply complete: 0 created, {QUESTIONS + RULES} updated" in adopted.output
        again = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert again.exit_code == 0, again.output
        tagged = [o for objects in emu.snapshot().values() for o in objects if "j1sync" in str(o)]
        assert len(tagged) >= QUESTIONS + RULES

        # now managed: changing 4 of the 12 questions (33% > 30%) is blocked as before
        for i in range(4):
            path = Path("manifests/questions") / f"q{i}.yaml"
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(f"title: Q {i}", f"title: Q {i} v2"), encoding="utf-8")
        blocked = jupiterone_run(emu, "apply", "--auto-approve")
        assert blocked.exit_code == 3, blocked.output
        assert "Question: 4 of 12 managed objects would be deleted or updated" in blocked.output


def test_a_managed_tag_that_hand_made_objects_carry_is_still_blocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """managedTag changed to `team`, a tag two hand-made questions carry: the 12 declared
    questions are adopted under it, and the two hand-made ones would be deleted. They are
    every object that carried the tag: blocked, however many the plan adopts."""
    monkeypatch.chdir(tmp_path)
    hand_made = [{**seeded_question(f"hand{i}", tagged=False), "tags": ["team"]} for i in (1, 2)]
    seed = {
        **BASE_SEED,
        "questions": [seeded_question(f"q{i}") for i in range(QUESTIONS)] + hand_made,
    }
    declared_questions(Path("m"), [(f"q{i}", "T") for i in range(QUESTIONS)])
    Path("j1sync.yaml").write_text("paths: [m]\nmanagedTag: team\n", encoding="utf-8")
    with running_emulator(seed=seed) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 3, applied.output
        assert "Question: every managed object would be deleted (2 of 2)" in applied.output
        assert {"hand1", "hand2"} <= {q["name"] for q in emu.snapshot()["questions"]}
