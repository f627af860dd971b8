"""A saved plan applied a second time (its delete already made) is refused as stale,
naming what changed since it was made; before, it was refused as "it deletes what the
project does not allow: AlertRule/legacy-open-ports is not in the account", a wrong
reason (the prune settings allow that delete) that sent the user after j1sync.yaml."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.examples import copy_jupiterone_examples
from tests.hostile.in_process import j1sync_here
from tests.reliability.processes import ServedEmulator, served_emulator

API_KEY = "h2-twice-Key-83d0"
ACCOUNT = "h2-twice-account"


def _env(emu: ServedEmulator) -> dict[str, str]:
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": emu.url,
    }


def _apply_plan(emu: ServedEmulator, plan: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return j1sync_here(["apply", "--auto-approve", "--plan", str(plan)], _env(emu), cwd)


def test_a_saved_plan_applied_twice_is_refused_as_stale(tmp_path: Path) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "manifests")
    plan = tmp_path / "plan.json"
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT) as emu:
        made = j1sync_here(["plan", str(manifests), "--out", str(plan)], _env(emu), tmp_path)
        assert made.returncode == 0, made.stderr
        assert "1 to delete" in made.stdout  # the demo's legacy rule, carrying the managed tag

        first = _apply_plan(emu, plan, tmp_path)
        assert first.returncode == 0, first.stderr
        assert "deleted AlertRule/legacy-open-ports" in first.stdout + first.stderr
        after_first = emu.snapshot()

        second = _apply_plan(emu, plan, tmp_path)
        assert emu.snapshot() == after_first  # refused before any change

    assert second.returncode == 1, second.stdout + second.stderr
    assert "the plan is stale" in second.stderr
    assert "AlertRule/legacy-open-ports: no longer exists in the account" in second.stderr
    assert "Parameter/sensitiveClassifications: now exists in the account" in second.stderr
    assert "does not allow" not in second.stderr
    assert "Traceback" not in second.stderr
