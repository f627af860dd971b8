"""Any command whose stdout cannot be written says so, naming standard output, as an
error writing a file names the file: `j1sync plan > /dev/full` said only "Error: No space
left on device", and a closed pipe only "Error: Broken pipe", with no word of where.
Exit 1 (README: "1 | error"); apply's own wording is test_k1_unwritable_stdout's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import j1sync_onto, jupiterone_env, onto_dev_full
from tests.reliability.processes import _clean_env

KEY, ACCOUNT = "k-s16-stdout", "acct-s16-stdout"


def _onto_dev_full(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """`j1sync ARGS` with stdout on /dev/full: its one stderr line, having exited 1."""
    done = onto_dev_full(args, env, cwd)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "m"],
        ["plan", "m", "--format", "markdown"],
        ["drift", "m"],
        ["validate", "m"],
        ["--version"],
    ],
    ids=["plan", "plan-markdown", "drift", "validate", "version"],
)
def test_a_full_stdout_is_named(tmp_path: Path, args: list[str]) -> None:
    write_questions(tmp_path / "m", ["q1", "q2"])
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = {**_clean_env(), **jupiterone_env(emulator.url, KEY, ACCOUNT)}
        last = _onto_dev_full(args, env, tmp_path)
    assert last == "Error: No space left on device: standard output"


def test_a_closed_pipe_is_named(tmp_path: Path) -> None:
    """The reader gone before the first line (`| head -0`): the write fails EPIPE."""
    write_questions(tmp_path / "m", ["q1"])
    read, write = os.pipe()
    os.close(read)
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = {**_clean_env(), **jupiterone_env(emulator.url, KEY, ACCOUNT)}
        done = j1sync_onto(write, ["validate", "m"], env, tmp_path)
    os.close(write)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "Error: Broken pipe: standard output"
