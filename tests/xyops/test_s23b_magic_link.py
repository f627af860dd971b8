"""A magic link trigger's `key` is never stored by xyOps: create_event and update_event
keep only its token, sha256(key + event id) in hex (1.0.88 lib/api/events.js
setupMagicTriggers; docs/triggers.md "The plain key is never stored"). The key in a
manifest is compared as that token: apply, then plan is empty, the key is in no output,
and the link's key still matches what xyOps holds."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xyops.helpers import CliServer

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


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliServer]:
    monkeypatch.chdir(tmp_path)
    with CliServer.serving(tmp_path, KEY, MAGIC_KEY=MAGIC_KEY) as served:
        yield served


@pytest.mark.parametrize("written", ["${env:MAGIC_KEY}", MAGIC_KEY])
def test_a_magic_key_converges_and_is_never_shown(server: CliServer, written: str) -> None:
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
