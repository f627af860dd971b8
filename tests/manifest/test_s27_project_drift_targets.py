"""`drift` over several targets (j1sync.yaml giving xyOps and OpenCTI a section beside
JupiterOne's manifests) ended "In sync: the account matches the manifests.", as if one
account had been read. It now says every target matches, naming them, or which of them
differ."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION


def test_drift_over_three_targets_names_them(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("xyops: {}\nopencti: {}\n")
    # the demo account's managed rules that no manifest declares: deleted, with --force
    applied = j1sync_here(["apply", "--emulator", "--auto-approve", "--force"], {}, tmp_path)
    assert applied.returncode == 0, applied.stderr

    in_sync = j1sync_here(["drift", "--emulator"], {}, tmp_path)
    assert in_sync.returncode == 0, in_sync.stderr
    # against the emulators, each target is named `emulator`, not by its port
    assert in_sync.stderr.splitlines()[-1] == (
        "In sync: every target matches the manifests "
        "(JupiterOne: emulator; xyOps: emulator; OpenCTI: emulator)."
    ), in_sync.stderr

    (tmp_path / "q.yaml").write_text(QUESTION.replace("title: T", "title: T2"))
    drifted = j1sync_here(["drift", "--emulator"], {}, tmp_path)
    assert drifted.returncode == 2, drifted.stderr
    assert drifted.stderr.splitlines()[-1] == (
        "Drift detected: JupiterOne: emulator differs from the manifests (1 of 3 targets)."
    )


def test_drift_over_one_target_still_speaks_of_the_account(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    done = j1sync_here(["drift", "--emulator"], {}, tmp_path)
    assert done.returncode == 2, done.stderr  # the demo account's rules no manifest declares
    assert done.stderr.splitlines()[-1] == (
        "Drift detected: the account differs from the manifests."
    )
