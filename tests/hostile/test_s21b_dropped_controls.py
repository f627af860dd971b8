"""rich's Text drops a carriage return, backspace, BEL, VT and FF without a trace, and the
text plan and apply's report were made of Text built from the values as they were: the
control was gone before j1sync showed the others (ESC as ␛). A description hand-edited to
`tw\\ro` printed `-   two` over `+   two`, a change of nothing, and a hand-made rule named
`ok\\rx` printed as `okx`, a rule the account does not hold. Every part of such a line now
has its controls shown (␍, ␈, ␇) before rich reads it (output/ansi.line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.executor.outcome import Outcome
from j1sync.output.apply_report import change_line, styled
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import seeded_question

DESCRIPTION = "one\ntwo\nthree"
HAND_EDITED = "one\ntw\ro\x08\x07\x0b\x0c\nthree"
RULE = "ok\rforged"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    edited = seeded_question("edited") | {"description": HAND_EDITED}
    when = {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]}
    rule = {
        "name": RULE,
        "questionName": "used",
        "operations": [{"when": when, "actions": [{"type": "CREATE_ALERT"}]}],
    }
    seed = {**BASE_SEED, "questions": [edited, seeded_question("used")], "rules": [rule]}
    spec = {
        "title": "T",
        "description": DESCRIPTION,
        "queries": [{"name": "q", "query": "Find User"}],
    }
    document = {"apiVersion": "j1sync/v1", "kind": "Question", "metadata": {"name": "edited"}}
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/q.yaml").write_text(json.dumps(document | {"spec": spec}) + "\n", encoding="utf-8")
    with running_emulator(seed=seed) as emu:
        yield emu


@pytest.mark.parametrize("color", ["never", "always"])
def test_the_text_plan_shows_the_controls_rich_would_drop(emu: Emulator, color: str) -> None:
    result = run(emu, "--color", color, "plan")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Plan: 0 to create, 1 to update, 0 to delete" in out, out
    assert "tw\u240do\u2408\u2407\u240b\u240c" in out, out  # ␍ ␈ ␇ ␋ ␌
    assert "AlertRule/ok\u240dforged still uses it" in out, out
    assert "AlertRule/okforged" not in out and "-   two" not in out


def test_apply_s_report_shows_them_too() -> None:
    failed = Outcome("Question/q", "create", "failed", "BAD_USER_INPUT: ok\rforged\x08")
    assert styled(change_line(failed), color=False) == (
        "failed  create Question/q: BAD_USER_INPUT: ok\u240dforged\u2408"
    )
