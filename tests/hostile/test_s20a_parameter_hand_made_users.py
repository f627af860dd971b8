"""`prune: Parameter` and a parameter only the account holds that a hand-made (unmanaged)
question's `${ param.X }` or rule's `{{param.X}}` still names: the plan deleted it, and
apply left the hand-made object naming a parameter that no longer exists (JupiterOne
abandons such a query when it runs; nothing in the manifests could fix it). A query of a
manifest naming it already stopped the plan (test_s19b_pruned_parameter_reference.py).
Now such a parameter is kept, as anything a live object the plan leaves alone still uses
is (docs/manifests.md, "Not deleted, still in use"): counted as unmanaged, with a note
naming its users; a parameter nothing uses is still pruned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

DECLARED = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: region
spec:
  value: eu
"""
HAND_QUESTION: dict[str, Any] = {
    "name": "hand-q",
    "title": "Users of the owner",
    "tags": [],
    "queries": [{"name": "q", "query": "Find User with name = ${ param.owner }"}],
}
HAND_RULE: dict[str, Any] = {
    "name": "hand-rule",
    "tags": [],
    "question": {"queries": [{"name": "q", "query": "Find User"}]},
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [
                {
                    "type": "WEBHOOK",
                    "method": "POST",
                    "endpoint": "https://hooks.example.com/j1",
                    "headers": {"Authorization": "Bearer {{param.hook_token}}"},
                }
            ],
        }
    ],
}
SEED: dict[str, Any] = {
    **BASE_SEED,
    "parameters": [
        {"name": "region", "value": "eu"},
        {"name": "owner", "value": "alice"},
        {"name": "hook_token", "value": "t0k"},
        {"name": "stale", "value": "nobody uses me"},
    ],
    "questions": [HAND_QUESTION],
    "rules": [HAND_RULE],
}


def _parameters(emu: Any) -> set[str]:
    return {p["name"] for p in emu.snapshot().get("parameters", [])}


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_a_parameter_a_hand_made_object_names_is_not_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\nprune:\n  Parameter: true\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/region.yaml").write_text(DECLARED, encoding="utf-8")
    with running_emulator(seed=SEED) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        out = " ".join(result.output.split())
        assert "Plan: 0 to create, 0 to update, 1 to delete, 4 unmanaged." in out
        if command[0] == "apply":
            assert _parameters(emu) == {"region", "owner", "hook_token"}
            again = jupiterone_run(emu, "plan", "--detailed-exitcode")
            assert again.exit_code == 0, again.output
            return
        assert "Not deleted, still in use by objects this plan leaves alone:" in out
        assert "Parameter/owner: prune is enabled for Parameter" in out
        assert "but Question/hand-q still uses it; not deleted" in out
        assert "Parameter/hook_token: prune is enabled for Parameter" in out
        assert "but AlertRule/hand-rule still uses it; not deleted" in out
        assert "- Parameter/stale" in out  # nothing uses it: still pruned
        assert _parameters(emu) == {"region", "owner", "hook_token", "stale"}


def test_a_parameter_a_kept_question_names_is_kept_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A managed question no manifest declares, kept because a hand-made rule runs it:
    the parameter its query names is kept with it."""
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\nprune:\n  Parameter: true\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/region.yaml").write_text(DECLARED, encoding="utf-8")
    used = {**HAND_QUESTION, "name": "used", "tags": ["j1sync"]}
    rule = {**HAND_RULE, "questionName": "used"}
    del rule["question"]
    rule["operations"] = [{**HAND_RULE["operations"][0], "actions": [{"type": "CREATE_ALERT"}]}]
    seed = {**SEED, "questions": [used], "rules": [rule]}
    with running_emulator(seed=seed) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert _parameters(emu) == {"region", "owner"}
        assert [q["name"] for q in emu.snapshot()["questions"]] == ["used"]
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        out = " ".join(planned.output.split())
        assert "Parameter/owner: prune is enabled for Parameter" in out
        assert "but Question/used still uses it; not deleted" in out
