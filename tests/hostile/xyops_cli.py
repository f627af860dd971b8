"""The xyOps side of the hostile tests: the CLI run (click's runner) against the test's
emulator (conftest.xyops_server), the API key from the environment as a user sets it."""

from __future__ import annotations

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator

KEY = "h3XyOpsHostileKey0123456789ab"


def run(emu: XyOpsEmulator, *args: str) -> Result:
    env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": KEY, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)
