"""`apply PATHS` (no saved plan) skipped the checks `plan` makes against the account: a
query naming `${ param.X }` that neither a manifest nor the account holds stopped `plan`
at its spot, and `apply --auto-approve` created the question anyway (JupiterOne abandons
such a query when it runs). Now apply makes the same checks before any change."""

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
      query: Find User with name = ${{ param.{name} }}
"""
PROBLEM = (
    "m/q.yaml:9:36: Question/by-owner: spec.queries[0].query: parameter 'ownr' is neither "
    "declared in the manifests nor in the account's parameter store; did you mean 'owner'?"
)


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve")])
def test_a_query_naming_no_parameter_stops_before_any_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/q.yaml").write_text(QUESTION.format(name="ownr"), encoding="utf-8")
    seed = {**BASE_SEED, "parameters": [{"name": "owner", "value": "alice"}]}
    with running_emulator(seed=seed) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert PROBLEM in result.output
        assert "Traceback" not in result.output
        assert not emu.snapshot().get("questions")
        # the name corrected, apply goes ahead and converges
        Path("m/q.yaml").write_text(QUESTION.format(name="owner"), encoding="utf-8")
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert [q["name"] for q in emu.snapshot()["questions"]] == ["by-owner"]
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
