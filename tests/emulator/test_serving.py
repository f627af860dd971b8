"""`j1sync emulator serve` for every system goes through j1sync.emulator.serving: a port
already taken, or a bad seed, is one `Error:` line naming the system's emulator and what
is wrong (never a traceback), the same way for JupiterOne, xyOps and OpenCTI."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

# system flag -> how its start errors name its emulator
SYSTEMS = {
    "jupiterone": "cannot start the emulator:",
    "xyops": "cannot start the xyOps emulator",
    "opencti": "cannot start the OpenCTI emulator",
}


def _one_error_line(args: list[str], cwd: Path) -> str:
    done = run_j1sync(args, {}, cwd, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    assert "listening on" not in done.stdout  # it never served
    return errors[0]


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_a_port_in_use_is_one_line_naming_the_port(system: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["emulator", "serve", "--system", system, "--port", str(port)]
        error = _one_error_line([*args, "--db", "state.db", "--seed", "none"], tmp_path)
    assert SYSTEMS[system] in error
    assert f"127.0.0.1:{port}" in error


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_an_unknown_seed_is_one_line_naming_it(system: str, tmp_path: Path) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "state.db"]
    error = _one_error_line([*args, "--seed", "no-such-seed"], tmp_path)
    assert SYSTEMS[system] in error
    assert "no-such-seed" in error
