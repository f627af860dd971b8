"""`j1sync emulator serve --latency-ms N` with an N no sleep can take (more than fits a
time_t): the emulator started and said it was listening, then every request's handler
failed with an OverflowError traceback on its stderr and the client was cut off with no
answer. --latency-ms now takes at most a day, as a client's --timeout, and a larger value
is a usage error naming the option and its range (exit 1) before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync


@pytest.mark.parametrize("system", ["jupiterone", "xyops", "opencti"])
@pytest.mark.parametrize("latency", ["99999999999999999", "86400001"])
def test_a_latency_longer_than_a_day_is_refused(tmp_path: Path, system: str, latency: str) -> None:
    args = ["emulator", "serve", "--system", system, "--port", "0", "--latency-ms", latency]
    done = run_j1sync([*args, "--db", "state.db"], {}, tmp_path, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "listening on" not in done.stdout
    assert (
        f"Error: Invalid value for '--latency-ms': {latency} is not in the range "
        "0<=x<=86400000." in done.stderr.splitlines()
    )
    assert not (tmp_path / "state.db").exists()
