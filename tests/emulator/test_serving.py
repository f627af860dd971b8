"""`j1sync emulator serve` for every system goes through j1sync.emulator.serving: a port
already taken, or a bad seed, is one `Error:` line naming the system's emulator and what
is wrong (never a traceback), in the same words for JupiterOne, xyOps and OpenCTI."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.processes import run_j1sync

# system flag -> how its start errors name its emulator
SYSTEMS = {
    "jupiterone": "cannot start the emulator:",
    "xyops": "cannot start the xyOps emulator:",
    "opencti": "cannot start the OpenCTI emulator:",
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
    # one wording for every system (serving.listen_problem): the address and what to do
    assert f"{SYSTEMS[system]} 127.0.0.1:{port} is already in use" in error
    assert "choose another --port" in error


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_an_unknown_seed_is_one_line_naming_it(system: str, tmp_path: Path) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "state.db"]
    error = _one_error_line([*args, "--seed", "no-such-seed"], tmp_path)
    assert SYSTEMS[system] in error
    assert "no-such-seed" in error


def _emulator_classes() -> dict[str, Any]:
    from j1sync.providers.jupiterone.emulator.app import Emulator
    from j1sync.providers.opencti.emulator.app import OpenCtiEmulator
    from j1sync.providers.xyops.emulator.app import XyOpsEmulator

    return {"jupiterone": Emulator, "xyops": XyOpsEmulator, "opencti": OpenCtiEmulator}


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_an_emulator_that_cannot_listen_lets_go_of_its_database(
    system: str, tmp_path: Path
) -> None:
    """ServedState._bind: the store closed and the process lock released when the port is
    taken, so the same database opens at once on another port (JupiterOne's emulator kept
    it while anything held the error)."""
    cls = _emulator_classes()[system]
    db = str(tmp_path / "state.db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError) as refused:
            cls(db=db, seed="none", port=port)
    # The error kept (its traceback holds the half-made emulator, as a caller logging it
    # would): the lock must not depend on garbage collection to be released.
    emulator = cls(db=db, seed="none", port=0)  # DatabaseInUse if the lock were kept
    assert refused.value.errno is not None
    try:
        assert emulator.url.startswith("http://127.0.0.1:")
        assert Path(db).exists()
    finally:
        emulator.stop()


LIBRARY_SERVE = """
import gc, os, signal, sys, threading
from j1sync.commands.emulator import SERVE_EXTRA
from j1sync.providers.registry import systems

system = next(s for s in systems() if s.name == sys.argv[1])
serve = system.extras[SERVE_EXTRA]
before = (gc.get_freeze_count(), signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
said = []

def echo(line):
    said.append(line)
    if "listening on" in line:  # served: stop it as a supervisor would
        threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)).start()

serve(port=0, db=sys.argv[2], echo=echo, before_serving=lambda: said.append("ready"))
after = (gc.get_freeze_count(), signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
assert after == before, (before, after)
ready = said.index("ready")
assert "listening on" in " ".join(said[:ready]) and "stopped" in said[-1], said
print("unchanged")
"""


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_serving_as_a_library_call_leaves_the_interpreter_as_it_found_it(
    system: str, tmp_path: Path
) -> None:
    """The collector is frozen only when the `j1sync` process asks (cli.settle_built, passed
    by `emulator serve` as `before_serving`, called once built and before serving), and the
    signal handlers serving installs are the caller's again once it stops."""
    done = subprocess.run(
        [sys.executable, "-c", LIBRARY_SERVE, system, str(tmp_path / "state.db")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split()[-1] == "unchanged"


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_a_start_that_cannot_listen_leaves_no_database_it_made(system: str, tmp_path: Path) -> None:
    """`serve --db new.db` on a port in use: the file it made and seeded is removed with
    the error, so the next start on a free port makes it anew and seeds what it is asked
    (before, the seed of the failed start stayed, and the next one's was not applied).
    A database that was there before is kept."""
    args = ["emulator", "serve", "--system", system, "--db", "new.db", "--seed", "none"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        _one_error_line([*args, "--port", port], tmp_path)
        assert not (tmp_path / "new.db").exists()

        kept = _emulator_classes()[system](db=str(tmp_path / "kept.db"), seed="none", port=0)
        kept.stop()
        before = (tmp_path / "kept.db").read_bytes()
        _one_error_line([*args[:-4], "--db", "kept.db", "--port", port], tmp_path)
        assert (tmp_path / "kept.db").read_bytes() == before
