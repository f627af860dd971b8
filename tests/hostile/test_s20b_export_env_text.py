"""export of JupiterOne questions and alert rules whose text holds `${env:...}` (a query
quoting a shell variable, a description, a name): they were written as found, with a
warning, and a manifest reads that as an environment variable and has no escape for it.
The first plan of the exported folder planned replacing the query with the variable's
value, and, for a name, creating a question of the resolved name and deleting the one in
the account. Now, as for parameters, dashboards, xyOps and OpenCTI, such an object is left
out with a warning naming the field, and the plan never deletes it, the managed tag
notwithstanding; a credential holding one (a webhook's endpoint) is still written as
`${env:NAME}`, and the other objects round-trip."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question

REFUSED = "holds '${env:...}', which a manifest reads as an environment variable"


def _rule(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "tags": ["j1sync"],
        "question": {"queries": [{"name": "q", "query": "Find Host"}]},
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
        **extra,
    }


HOOK = {"type": "WEBHOOK", "method": "POST", "endpoint": "https://h.invalid/${env:HOME}"}
HOOKED = _rule("Hooked")
HOOKED["operations"][0]["actions"].append(HOOK)

SEED = {
    **BASE_SEED,
    "questions": [
        {
            **seeded_question("Audit"),
            "queries": [{"name": "q", "query": "Find User as ${env:HOME}"}],
        },
        {**seeded_question("Told"), "description": "run cd ${env:HOME}"},
        seeded_question("Q ${env:HOME}"),
        seeded_question("Plain"),
    ],
    "rules": [
        _rule("Described", description="cd ${env:HOME}"),
        _rule("R ${env:HOME}"),
        _rule("PlainRule"),
        HOOKED,
    ],
}


def test_questions_and_rules_holding_env_text_are_left_out_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_emulator(seed=copy.deepcopy(SEED)) as emu:
        before = emu.snapshot()
        exported = jupiterone_run(emu, "export", "--out", "exp")
        assert exported.exit_code == 0, exported.output
        for left_out in (
            "Question/Audit: left out of the export: spec.queries[0].query: " + REFUSED,
            "Question/Told: left out of the export: spec.description: " + REFUSED,
            "Question/Q ${env:HOME}: left out of the export: metadata.name: " + REFUSED,
            "AlertRule/Described: left out of the export: spec.description: " + REFUSED,
            "AlertRule/R ${env:HOME}: left out of the export: metadata.name: " + REFUSED,
        ):
            assert left_out in exported.output
        assert str(tmp_path) not in exported.output
        files = sorted(p.relative_to("exp").as_posix() for p in Path("exp").rglob("*.yaml"))
        assert files == [
            "alert-rules/hooked.yaml",
            "alert-rules/plainrule.yaml",
            "questions/plain.yaml",
        ]
        hooked = Path("exp/alert-rules/hooked.yaml").read_text("utf-8")
        assert "${env:J1_" in hooked and "h.invalid" not in hooked  # a credential, as before

        Path("j1sync.yaml").write_text("paths: [exp]\n", encoding="utf-8")
        assert "J1_HOOKED_OPERATIONS_0_ACTIONS_1_ENDPOINT=" in Path("exp/.env.example").read_text()
        monkeypatch.setenv("J1_HOOKED_OPERATIONS_0_ACTIONS_1_ENDPOINT", HOOK["endpoint"])
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        after = emu.snapshot()
        for collection in ("questions", "rules"):
            kept = {o["name"]: o for o in after[collection]}
            for old in before[collection]:
                assert kept[old["name"]] == old
