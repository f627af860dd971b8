"""The xyOps side of the hostile tests: the CLI run (click's runner) against the test's
emulator (conftest.xyops_server), the API key from the environment as a user sets it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator

KEY = "h3XyOpsHostileKey0123456789ab"


def run(emu: XyOpsEmulator, *args: str) -> Result:
    env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": KEY, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)


def call(emu: XyOpsEmulator, name: str, body: dict[str, Any] | str) -> dict[str, Any]:
    """One API call as another client makes it (the UI, a script): the answer, a refusal's
    included. `body` as JSON text is sent as it is."""
    request = urllib.request.Request(
        f"{emu.url}/api/app/{name}/v1",
        data=(body if isinstance(body, str) else json.dumps(body)).encode(),
        headers={"X-API-Key": KEY, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return dict(json.load(answer))
    except urllib.error.HTTPError as refused:
        return dict(json.load(refused))
