"""`safety: {maxChangePercent: 0}` was refused ("Input should be greater than 0"), though
"more deletes or updates than 0%" is a setting one may want: every delete or update of a
kind with `minObjects` managed objects needs --force. Now 0 to 100 are taken, and 0 does
that; a plan that changes nothing passes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.hostile.in_process import j1sync_here

QUESTION = Path("manifests/questions/public-s3-buckets.yaml")


def test_zero_blocks_any_update(tmp_path: Path) -> None:
    shutil.copytree(jupiterone_examples(), tmp_path / "manifests")
    (tmp_path / "j1sync.yaml").write_text(
        "paths: [manifests]\nsafety: {minObjects: 0, maxChangePercent: 0}\n"
    )
    assert j1sync_here(["validate"], {}, tmp_path).returncode == 0
    made = j1sync_here(["apply", "--emulator", "--auto-approve", "--force"], {}, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    assert j1sync_here(["plan", "--emulator"], {}, tmp_path).returncode == 0  # nothing to do

    question = tmp_path / QUESTION
    question.write_text(question.read_text().replace("S3 buckets whose", "Buckets whose"))
    blocked = j1sync_here(["plan", "--emulator"], {}, tmp_path)
    assert blocked.returncode == 3, blocked.stdout + blocked.stderr
    assert "> 0%" in blocked.stdout, blocked.stdout
    forced = j1sync_here(["apply", "--emulator", "--auto-approve", "--force"], {}, tmp_path)
    assert forced.returncode == 0, forced.stdout + forced.stderr
