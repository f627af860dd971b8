"""`j1sync emulator serve --host ::1`: the IPv6 loopback is a loopback host (no
--allow-remote needed), but the emulators listen on IPv4 sockets, and the error said
"cannot listen on ::1: not an address of this machine", which is false and sent the user
looking at their network. It now says the emulators listen on IPv4 only and what to use.
(Nothing here listens or connects: the address is refused before any socket is bound.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

STARTS = {
    "jupiterone": "cannot start the emulator:",
    "xyops": "cannot start the xyOps emulator:",
    "opencti": "cannot start the OpenCTI emulator:",
}


@pytest.mark.parametrize("host", ["::1", "0:0:0:0:0:0:0:1"])
@pytest.mark.parametrize("system", list(STARTS))
def test_an_ipv6_loopback_host_says_the_emulators_listen_on_ipv4(
    tmp_path: Path, system: str, host: str
) -> None:
    args = ["emulator", "serve", "--system", system, "--host", host, "--port", "0"]
    done = run_j1sync([*args, "--db", "state.db", "--seed", "none"], {}, tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "listening on" not in done.stdout
    assert done.stderr.splitlines() == [
        f"Error: {STARTS[system]} cannot listen on {host}: the emulators listen on IPv4 "
        "only; use 127.0.0.1"
    ]
