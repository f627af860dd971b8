"""`j1sync emulator serve --seed FILE` on a --db seeded before: the seed applies to a new
database only, so the emulator served the state it kept and the new seed silently went
unapplied (a CI job that changed its seed file, or asked for `--seed none`, tested against
the old objects without a word). The start now says so on stderr, naming the seed, the
database and how to start over; a first start, or one without --seed, says nothing."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from tests.reliability.processes import start_j1sync

SEEDS = {"jupiterone": "seed.yaml", "xyops": "none", "opencti": "none"}


def _served_once(cwd: Path, system: str, *more: str) -> tuple[str, str]:
    """`emulator serve --system SYSTEM --db state.db MORE` until it listens, then stopped
    (SIGTERM): its stdout and stderr."""
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "state.db", *more]
    process: subprocess.Popen[str] = start_j1sync(args, {}, cwd)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "listening on" in first, first + process.communicate(timeout=30)[1]
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    return first + stdout, stderr


@pytest.mark.parametrize("system", list(SEEDS))
def test_a_seed_given_for_a_kept_database_is_said_not_applied(tmp_path: Path, system: str) -> None:
    (tmp_path / "seed.yaml").write_text("users: [{email: a@example.com}]\n", encoding="utf-8")
    seed = SEEDS[system]
    _, first = _served_once(tmp_path, system, "--seed", seed)
    assert "Warning" not in first, first  # a new database: seeded
    _, again = _served_once(tmp_path, system, "--seed", seed)
    assert again.splitlines() == [
        f"Warning: --seed {seed} is not applied: state.db was seeded before and keeps its "
        "state; `j1sync emulator reset --db state.db` starts over"
    ]
    _, without = _served_once(tmp_path, system)
    assert "Warning" not in without, without
