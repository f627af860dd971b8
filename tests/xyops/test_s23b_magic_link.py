"""A magic link trigger's `key` is never stored by xyOps: create_event and update_event
keep only its token, sha256(key + event id) in hex (1.0.88 lib/api/events.js
setupMagicTriggers; docs/triggers.md "The plain key is never stored"). The key in a
manifest is compared as that token: apply, then plan is empty, the key is in no output,
and the link's key still matches what xyOps holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator

KEY = "s23bXyOpsKey0123456789ab"
MAGIC_KEY = "s3cret-Magic-Link-Key-7f1c"
EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: on_call
spec:
  title: On call
  category: general
  plugin: shellplug
  targets: [main]
  triggers:
    - type: magic
      key: {key}
      body: Start it here.
"""


@dataclass
class Server:
    emu: XyOpsEmulator
    root: Path

    def run(self, *args: str) -> Result:
        env = {
            "XYOPS_URL": self.emu.url,
            "XYOPS_API_KEY": KEY,
            "NO_COLOR": "1",
            "MAGIC_KEY": MAGIC_KEY,
        }
        return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        yield Server(emu, tmp_path)


@pytest.mark.parametrize("written", ["${env:MAGIC_KEY}", MAGIC_KEY])
def test_a_magic_key_converges_and_is_never_shown(server: Server, written: str) -> None:
    folder = server.root / "m"
    folder.mkdir()
    (folder / "event.yaml").write_text(EVENT.format(key=written))
    outputs = [server.run("plan", str(folder))]
    outputs.append(server.run("apply", str(folder), "--auto-approve", "--show-plan"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    outputs.append(server.run("plan", str(folder), "--detailed-exitcode"))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    outputs.append(server.run("drift", str(folder)))
    assert outputs[-1].exit_code == 0, outputs[-1].output
    for result in outputs:
        assert MAGIC_KEY not in result.output
    [event] = [e for e in server.emu.snapshot()["events"] if e["id"] == "on_call"]
    token = hashlib.sha256(f"{MAGIC_KEY}on_call".encode()).hexdigest()
    assert event["triggers"] == [
        {"type": "magic", "enabled": True, "body": "Start it here.", "token": token}
    ]
    # a new key is a change of the token, applied
    (folder / "event.yaml").write_text(EVENT.format(key="another-key"))
    changed = server.run("plan", str(folder), "--detailed-exitcode")
    assert changed.exit_code == 2
    new_token = hashlib.sha256(b"another-keyon_call").hexdigest()
    assert f"token: {new_token}" in changed.output and "another-key" not in changed.output
