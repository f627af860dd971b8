"""A plan that deletes questions reads the account's boards (a hand-made board may show
one: the question is then kept), and `apply --plan` reads them again (a board made since
makes the plan stale). A key whose role may not read boards (a role without the Insights
app) got the read refused, and the whole plan, or the apply, stopped on a FORBIDDEN for
a kind it never asked for. Now the boards are left unread, with a warning that says so,
and the plan and the apply go on: what uses the deleted questions is not checked, as
before any plan checked it."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run, seeded_question
from tests.hostile.manifests import question

KEEP = seeded_question("keep", "Question keep")
GONE = {**seeded_question("gone"), "id": "q-gone"}
WARNING = "Dashboard not read, so not checked for uses of what this plan deletes"


def test_boards_refused_to_the_key_leave_deletes_unchecked_not_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(question("keep"), encoding="utf-8")
    with running_emulator(seed={**BASE_SEED, "questions": [KEEP, GONE]}) as emu:
        emu.switches.refused_fields = frozenset({"getDashboards"})

        planned = jupiterone_run(emu, "plan", "--detailed-exitcode", "--out", "plan.json")
        assert planned.exit_code == 2, planned.output
        assert "- Question/gone" in planned.stdout
        assert WARNING in planned.stderr
        assert "FORBIDDEN" in planned.stderr or "Forbidden" in planned.stderr
        assert emu.stats.requests["getDashboards"] == 1  # asked, refused, not retried

        applied = jupiterone_run(emu, "apply", "--auto-approve", "--plan", "plan.json")
        assert applied.exit_code == 0, applied.output
        assert WARNING in applied.stderr
        assert "deleted Question/gone" in applied.stdout
        assert {q["name"] for q in emu.snapshot()["questions"]} == {"keep"}
