"""`apply --auto-approve` (which shows the plan's summary, not the plan) says when pruning
is off, as the plan does: a run over a part of the project printed only "No changes. The
account matches the manifests." while managed objects that no manifest of the run
declares were left alone, and nothing said they would never be deleted by such a run."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.hostile.in_process import j1sync_here


def test_a_partial_apply_says_pruning_is_off(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    shutil.copytree(jupiterone_examples(), tmp_path / "manifests")
    whole = j1sync_here(["apply", "manifests", "--emulator", "--auto-approve"], {}, tmp_path)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert "Pruning is off" not in whole.stdout

    part = ["apply", "manifests/questions", "--emulator", "--auto-approve"]
    nothing = j1sync_here(part, {}, tmp_path)
    assert nothing.returncode == 0, nothing.stdout + nothing.stderr
    heading, *lines = nothing.stdout.splitlines()
    assert heading == "j1sync apply (emulator: local data, not a live system)"
    assert lines[0] == "No changes. The account matches the manifests."
    assert lines[1].startswith("Pruning is off: this run reads manifests/questions"), lines

    question = tmp_path / "manifests" / "questions" / "public-s3-buckets.yaml"
    question.write_text(question.read_text().replace("S3 buckets whose", "Buckets whose"))
    changed = j1sync_here(part, {}, tmp_path)
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert any(line.startswith("Pruning is off: ") for line in changed.stdout.splitlines())
    assert "Apply complete: " in changed.stdout
