"""A drift report (an issue opened by the nightly job) says what applying the manifests
would delete, not that anything was deleted: its warning read "This plan **deletes 2
objects** from the account", as if the job had."""

from __future__ import annotations

import shutil
from pathlib import Path

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import jupiterone_run

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


def test_the_drift_report_says_would_delete(tmp_path: Path) -> None:
    folder = tmp_path / "manifests"
    shutil.copytree(EXAMPLES / "questions", folder)
    with running_emulator(seed="none") as emu:
        applied = jupiterone_run(emu, "apply", str(folder), "--auto-approve")
        assert applied.exit_code == 0, applied.output
        gone = sorted(folder.glob("*.yaml"))[0]
        gone.unlink()
        drift = jupiterone_run(emu, "drift", str(folder), "--format", "markdown")
    assert drift.exit_code == 2, drift.output
    assert "This plan **would delete 1 object** from the account:" in drift.stdout
    assert "deletes" not in drift.stdout
