"""A query naming a parameter no manifest declares, with `prune: Parameter` on: the plan
deletes that parameter, and the plan's check of the names queries use passed it because
the account held it then. Apply deleted it and left the question naming a parameter that
no longer exists (JupiterOne abandons such a query). Now `plan` stops at the reference,
saying the plan deletes it, before anything is changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: by-owner
spec:
  title: Users of the owner
  queries:
    - name: q
      query: Find User with name = ${ param.owner }
"""
SEED = {**BASE_SEED, "parameters": [{"name": "owner", "value": "alice"}]}


def _project(settings: str) -> None:
    Path("j1sync.yaml").write_text("paths: [m]\n" + settings, encoding="utf-8")
    Path("m").mkdir()
    Path("m/q.yaml").write_text(QUESTION, encoding="utf-8")


def test_a_parameter_the_plan_prunes_is_not_one_a_query_may_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("prune:\n  Parameter: true\n")
    with running_emulator(seed=SEED) as emu:
        planned = jupiterone_run(emu, "plan")
        assert planned.exit_code == 1, planned.output
        assert (
            "m/q.yaml:9:36: Question/by-owner: spec.queries[0].query: parameter 'owner' is "
            "deleted by this plan (prune is enabled for Parameter and no manifest declares "
            "it); declare it in a Parameter manifest"
        ) in planned.output
        assert "Traceback" not in planned.output
        assert {p["name"] for p in emu.snapshot()["parameters"]} == {"owner"}
        assert "questions" not in emu.snapshot() or not emu.snapshot()["questions"]


def test_without_parameter_prune_the_account_parameter_may_be_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _project("")
    with running_emulator(seed=SEED) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert {p["name"] for p in emu.snapshot()["parameters"]} == {"owner"}
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
