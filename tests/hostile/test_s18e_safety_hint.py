"""A blocked plan's safety lines fit the command that prints them. Before, each line
ended "--force to proceed", in `drift`'s report too (text, markdown and JSON), and drift
has no --force (`drift --force` is a usage error). Now the lines say what is blocked;
plan's and drift's text says that apply refuses it without --force, and apply's refusal
that --force applies it anyway."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import jupiterone_run

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: only-rule
spec:
  question:
    queries:
      - name: query0
        query: Find Host
"""

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: only-question
spec:
  title: Hosts
  queries:
    - name: query0
      query: Find Host
"""

BLOCKED = "AlertRule: every managed object would be deleted (1 of 1)"


def test_drift_plan_and_apply_each_say_what_fits_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "manifests"
    folder.mkdir()
    manifest = folder / "rule.yaml"
    manifest.write_text(RULE, encoding="utf-8")
    with running_emulator(seed=None) as emu:
        assert jupiterone_run(emu, "apply", str(folder), "--auto-approve").exit_code == 0
        manifest.write_text(QUESTION, encoding="utf-8")  # the only managed rule goes

        drift = jupiterone_run(emu, "drift", str(folder))
        assert drift.exit_code == 2, drift.output
        assert f"  {BLOCKED}\n" in drift.stdout
        assert "Blocked by a safety limit; apply refuses it without --force:" in drift.stdout
        for fmt in ("markdown", "json"):
            shown = jupiterone_run(emu, "drift", str(folder), "--format", fmt)
            assert shown.exit_code == 2, shown.output
            assert BLOCKED in shown.stdout
            assert "to proceed" not in shown.stdout
        report = json.loads(jupiterone_run(emu, "drift", str(folder), "--format", "json").stdout)
        assert report["safety"]["messages"] == [BLOCKED]
        assert "to proceed" not in drift.output
        assert jupiterone_run(emu, "drift", str(folder), "--force").exit_code != 0

        plan = jupiterone_run(emu, "plan", str(folder))
        assert plan.exit_code == 3, plan.output
        assert "apply refuses it without --force" in plan.stdout

        refused = jupiterone_run(emu, "apply", str(folder), "--auto-approve")
        assert refused.exit_code == 3, refused.output
        assert "plan blocked by a safety limit; --force to apply it anyway:" in refused.stderr
        assert BLOCKED in refused.stderr
