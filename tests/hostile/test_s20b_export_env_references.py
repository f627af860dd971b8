"""export of a JupiterOne rule whose question no manifest can declare as it is (its query
holds `${env:...}`): the question is left out, but the rule was written, naming it
(`questionRef: Audit`), and the first plan of the exported folder failed ('no Question
manifest named 'Audit''). A rule naming such a question cannot have a manifest either: it
is left out with a warning naming the question, and the plan never deletes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question


def _rule(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "tags": ["j1sync"],
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
        **extra,
    }


SEED = {
    **BASE_SEED,
    "questions": [
        {**seeded_question("Audit"), "queries": [{"name": "q", "query": "Find ${env:HOME}"}]},
        seeded_question("Plain"),
    ],
    "rules": [
        _rule("Uses", questionName="Audit"),
        _rule("Fine", questionName="Plain"),
    ],
}


def test_a_rule_naming_a_question_no_manifest_can_declare_is_left_out_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_emulator(seed=SEED) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp")
        assert exported.exit_code == 0, exported.output
        assert (
            "AlertRule/Uses: left out of the export: it names Question/Audit, which no "
            "manifest can declare as it is"
        ) in exported.output
        assert "no Question manifest named" not in exported.output
        files = sorted(p.relative_to("exp").as_posix() for p in Path("exp").rglob("*.yaml"))
        assert files == ["alert-rules/fine.yaml", "questions/plain.yaml"]
        Path("j1sync.yaml").write_text("paths: [exp]\n", "utf-8")
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert {r["name"] for r in emu.snapshot()["rules"]} == {"Uses", "Fine"}
