"""xyOps checks an event's params against its plugin's parameter definitions on every
create and update (1.0.88 lib/api/events.js requireValidEventData -> validateParamValues):
a required parameter left empty, or a value out of its range, is refused ("Event Plugin:
Parameter 'script' is required.", as xyOps's stock Shell Script plugin requires its
script). The plan stops at the event's params naming the plugin, before any change; the
emulator refuses it in xyOps's words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from j1sync.providers.xyops.emulator.errors import ApiError

KEY = "s23bXyOpsKey0123456789ab"
PLUGIN = {
    "id": "copyplug",
    "title": "Copy files",
    "type": "event",
    "enabled": True,
    "command": "copy",
    "params": [
        {"id": "path", "type": "text", "title": "Path", "required": True},
        {"id": "copies", "type": "text", "title": "Copies", "range": "1-5/1", "value": "1"},
    ],
}
EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: copy
spec:
  title: Copy
  category: general
  plugin: copyplug
  targets: [main]
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[XyOpsEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        emu.seed_objects({"plugins": [PLUGIN]})
        yield emu


def run(emu: XyOpsEmulator, *args: str) -> Result:
    env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": KEY, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ("", "Parameter 'path' is required."),
        ("  params: {path: ''}\n", "Parameter 'path' is required."),
        ("  params: {path: /data, copies: 9}\n", "Parameter 'copies' value is invalid (1-5/1)."),
    ],
)
def test_params_the_plugin_refuses_stop_the_plan(
    emu: XyOpsEmulator, tmp_path: Path, params: str, said: str
) -> None:
    (tmp_path / "event.yaml").write_text(EVENT + params)
    for command in (("plan",), ("apply", "--auto-approve")):
        result = run(emu, *command, str(tmp_path))
        assert result.exit_code == 1, result.output
        assert f"xyops.Event/copy: spec.params: xyOps refuses it: Event Plugin: {said} " in (
            result.output
        )
        assert "(plugin 'copyplug')" in result.output and "Traceback" not in result.output
    assert "copy" not in {e["id"] for e in emu.snapshot()["events"]}
    with pytest.raises(ApiError, match=re.escape(f"Event Plugin: {said}")):
        emu.api.call(
            "create_event",
            {
                "id": "copy",
                "title": "Copy",
                "category": "general",
                "plugin": "copyplug",
                "targets": ["main"],
                "algo": "random",
                "params": {"path": "/d", "copies": 9} if "copies" in said else {},
            },
            "POST",
            False,
        )


def test_params_the_plugin_takes_converge(emu: XyOpsEmulator, tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(EVENT + "  params: {path: /data, copies: 3}\n")
    applied = run(emu, "apply", str(tmp_path), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert run(emu, "plan", str(tmp_path), "--detailed-exitcode").exit_code == 0
