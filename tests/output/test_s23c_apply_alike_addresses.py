"""apply's report names a change as the plan did. A managed question `café` (U+00E9: a
hand-made one, or one an earlier manifest named so) and the manifest's `café` spelt with
U+0301: the plan tells the delete from the create (`- Question/café`,
`+ Question/cafe\\u0301`: values.alike_addresses), but apply's report said `deleted
Question/café` and `created Question/café`, one name for two objects, and a change that
depends on the new one was `skipped ... depends on Question/café`. Its lines now show
the plan's spelling, in what a change depends on too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run

LIVE, DECLARED = "caf\u00e9", "cafe\u0301"  # the same word, two spellings


def question(name: str) -> dict[str, Any]:
    return {"name": name, "title": name, "queries": [{"name": "q", "query": "FIND User"}]}


def manifest(kind: str, name: str, spec: dict[str, Any]) -> str:
    document = {"apiVersion": "j1sync/v1", "kind": kind, "metadata": {"name": name}}
    return json.dumps(document | {"spec": spec}) + "\n"  # JSON is YAML


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    live = [question(LIVE) | {"tags": ["j1sync"]}, question("kept") | {"tags": ["j1sync"]}]
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    spec = {k: v for k, v in question(DECLARED).items() if k != "name"}
    Path("m/q.yaml").write_text(
        manifest("Question", DECLARED, spec)
        + "---\n"
        + manifest("Question", "kept", {k: v for k, v in question("kept").items() if k != "name"})
        + "---\n"
        # a rule on the new question: created after it, skipped when it fails
        + manifest(
            "AlertRule",
            "rule",
            {
                "questionRef": DECLARED,
                "operations": [
                    {
                        "when": {
                            "type": "FILTER",
                            "condition": ["AND", ["queries.q.total", ">", 0]],
                        },
                        "actions": [{"type": "CREATE_ALERT"}],
                    }
                ],
            },
        ),
        encoding="utf-8",
    )
    with running_emulator(seed={**BASE_SEED, "questions": live}) as emu:
        yield emu


SHOWN = "Question/cafe\\u0301"  # the new question, as the plan shows it


def test_the_apply_report_tells_two_names_apart_as_the_plan_does(emu: Emulator) -> None:
    plan = run(emu, "plan")
    assert plan.exit_code == 0, plan.output
    assert f"  - Question/{LIVE}\n" in plan.stdout, plan.stdout
    assert f"  + {SHOWN}\n" in plan.stdout, plan.stdout

    result = run(emu, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"deleted Question/{LIVE}" in lines, result.stdout
    assert f"created {SHOWN}" in lines, result.stdout


def test_a_skipped_change_names_what_it_waited_for_as_the_plan_does(emu: Emulator) -> None:
    emu.switches.fail_mutation("createQuestion", match="q")
    result = run(emu, "apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert f"deleted Question/{LIVE}" in lines, result.stdout
    failed = [line for line in lines if line.startswith("failed ")]
    assert len(failed) == 1 and failed[0].startswith(f"failed  create {SHOWN}: "), lines
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert skipped == [f"skipped create AlertRule/rule: depends on {SHOWN} (failed)"], lines
