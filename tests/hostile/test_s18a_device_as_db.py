"""`--db` naming a device or a pipe (`--db /dev/null`, a FIFO), as a user who wants "no
state kept" might try:

- `emulator serve` made a lock file beside it (`/dev/null.lock` in /dev) and then failed
  with SQLite's words ("no such table: meta", "disk I/O error");
- `emulator reset --db` took the lock and unlinked it: a FIFO was deleted, and run as root
  `reset --db /dev/null` would delete the /dev/null device itself.

Now serve refuses it in one line before making anything beside it, and reset refuses to
delete it. (Tested with a FIFO in the test's own folder: the device is never touched.)"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "state.fifo"
    os.mkfifo(path)
    return path


def _one_error_line(args: list[str], cwd: Path) -> str:
    done = run_j1sync(args, {}, cwd, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "listening on" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize("system", ["jupiterone", "xyops", "opencti"])
def test_serve_refuses_a_pipe_as_its_database(tmp_path: Path, fifo: Path, system: str) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", fifo.name]
    line = _one_error_line(args, tmp_path)
    assert line == (
        f"Error: emulator database {fifo.name} is not a regular file (a device or a pipe); "
        "give the emulator a --db of its own"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [fifo.name]  # no lock beside it


def test_reset_does_not_delete_a_pipe(tmp_path: Path, fifo: Path) -> None:
    line = _one_error_line(["emulator", "reset", "--db", fifo.name], tmp_path)
    assert "is not a regular file (a device or a pipe)" in line and "not deleting it" in line
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fifo.name]
