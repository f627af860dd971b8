"""j1sync.yaml gets the warnings a manifest gets (an anchor defined again), once a run
although a run reads the file more than once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: Users
  queries:
  - name: users
    query: Find User
"""


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_an_anchor_defined_again_is_said_once(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "j1sync.yaml").write_text("account: &a demo\nmanagedTag: &a j1sync\n")
    (tmp_path / "q.yaml").write_text(QUESTION)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPITERONE_")}

    result = subprocess.run(
        [sys.executable, "-m", "j1sync", *command, "."],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode in (0, 2, 3), result.stderr  # 3: the demo account's rules
    warning = "j1sync.yaml:2:13: YAML anchor &a is defined again (first at line 1, column 10)"
    assert result.stderr.count(warning) == 1, result.stderr
