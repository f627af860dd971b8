"""Someone deletes, by hand, an object apply is about to delete (after apply read the
account, before its delete): the API answered not found, apply reported the change as
failed and exited 1, though the account was as the manifests say. A delete the API says
is not found is now re-read by name: gone, it is done ("already gone", exit 0). An
update of an object deleted meanwhile still fails: its manifest is not what the account
holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import declared_questions, jupiterone_run, seeded_question

TAGGED_RULE: dict[str, Any] = {
    "name": "old-rule",
    "tags": ["j1sync"],
    "question": {"queries": [{"name": "q", "query": "Find Host"}]},
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [{"type": "CREATE_ALERT"}],
        }
    ],
}


def _remove_by_hand(emu: Emulator, collection: str, name: str) -> None:
    """Once the next list of `collection` is answered, the object `name` is deleted, as a
    user in the web app would."""
    field = {"questions": "questions", "rules": "listRuleInstances"}[collection]

    def remove() -> None:
        found = [o for o in emu.snapshot()[collection] if o.get("name") == name]
        emu.backend.store.delete(collection, found[0]["id"])

    emu.switches.after_field(field, remove)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    declared_questions(Path("m"), [("keep", "T"), ("edited", "T2")])
    seed = {
        **BASE_SEED,
        "questions": [seeded_question(n) for n in ("keep", "edited", "old-question")],
        "rules": [TAGGED_RULE],
    }
    with running_emulator(seed=seed) as emu:
        yield emu


def test_a_delete_of_what_is_already_gone_is_done(emu: Emulator) -> None:
    _remove_by_hand(emu, "questions", "old-question")
    _remove_by_hand(emu, "rules", "old-rule")
    declared_questions(Path("m"), [("keep", "T"), ("edited", "T")])  # no update
    applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert "deleted Question/old-question (already gone: " in applied.output
    assert "deleted AlertRule/old-rule (already gone: " in applied.output
    assert "Apply complete: 0 created, 0 updated, 2 deleted, 0 failed." in applied.output
    again = jupiterone_run(emu, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_an_update_of_what_is_gone_still_fails(emu: Emulator) -> None:
    _remove_by_hand(emu, "questions", "edited")
    applied = jupiterone_run(emu, "apply", "--auto-approve", "--force")
    assert applied.exit_code == 1, applied.output
    assert "failed  update Question/edited: " in applied.output
    assert "deleted Question/old-question\n" in applied.output
    again = jupiterone_run(emu, "apply", "--auto-approve")  # re-run converges: created
    assert again.exit_code == 0, again.output
    assert "created Question/edited" in again.output
