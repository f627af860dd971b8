"""`apply --plan` of a plan made with --emulator, without it (or the other way round),
says so and what to do. Before it said only "it was made for another target (account:
the plan's is 'j1sync-emulator', ...; API URL: the plan's is 'emulator:/.../emulator.db',
...)", which leaves the reader to work out that the flag is what differs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import jupiterone_run

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: hosts
spec:
  title: Hosts
  queries:
    - name: query0
      query: Find Host
"""


@pytest.fixture(autouse=True)
def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("J1SYNC_PLAN_KEY", raising=False)
    Path("m").mkdir()
    Path("m/q.yaml").write_text(QUESTION, encoding="utf-8")


def test_a_plan_made_with_the_emulator_is_applied_with_it() -> None:
    saved = CliRunner().invoke(cli, ["plan", "m", "--emulator", "--out", "plan.json"])
    assert saved.exit_code in (0, 3), saved.output
    with running_emulator(seed=None) as emu:
        refused = jupiterone_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
    assert refused.exit_code == 1, refused.output
    assert refused.stderr == (  # before connecting (plan_trust.check_emulator)
        "Error: plan.json: this plan was made against the embedded emulator (plan "
        "--emulator), not an account: pass --emulator to apply it\n"
    )


def test_a_plan_made_against_an_account_is_applied_without_the_emulator() -> None:
    with running_emulator(seed=None) as emu:
        saved = jupiterone_run(emu, "plan", "m", "--out", "plan.json")
        assert saved.exit_code == 0, saved.output
        refused = jupiterone_run(emu, "apply", "--plan", "plan.json", "--emulator")
    assert refused.exit_code == 1, refused.output
    assert refused.stderr.rstrip().endswith(
        "): it was made without --emulator; apply it without --emulator"
    )
