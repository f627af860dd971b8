"""A manifest that matches a nameless question (JupiterOne's web app makes questions
without a name: j1sync matches them by title) and gives it another title can never be
applied: the API cannot name a question, and a new title would lose the match. plan
showed the title change as an update, and apply made the run's other changes before
that update failed (exit 1, account half-applied, again on every run). The plan now
refuses it before any change, naming the manifest's file and line and spec.title."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import declared_questions, jupiterone_run

HAND_MADE = {"name": "", "title": "Weekly review", "queries": [{"name": "q", "query": "Find User"}]}


def test_a_new_title_for_a_nameless_question_is_refused_before_any_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    # the second document gives the nameless question another title; the first is new
    declared_questions(Path("m"), [("new-one", "New one"), ("Weekly review", "Weekly review v2")])
    with running_emulator(seed={**BASE_SEED, "questions": [HAND_MADE]}) as emu:
        before = emu.snapshot()
        for command in (["plan"], ["drift"], ["apply", "--auto-approve"]):
            refused = jupiterone_run(emu, *command)
            assert refused.exit_code == 1, (command, refused.output)
            assert (
                "m/q.yaml:10:1: Question/Weekly review: the question in JupiterOne has no name "
                "and is matched by its title 'Weekly review'; the API cannot name it, so its "
                "title must stay 'Weekly review' (spec.title is 'Weekly review v2')"
            ) in refused.output, refused.output
            assert "Traceback" not in refused.output
        assert emu.snapshot() == before  # New one was not created

        declared_questions(Path("m"), [("new-one", "New one"), ("Weekly review", "Weekly review")])
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert "created Question/new-one" in applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
