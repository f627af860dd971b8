"""xyOps gives an event's schedule, single, interval, startup and keyboard triggers the
values of its user fields (1.0.88 lib/api/events.js prepEventTriggerParams, on every
create and update): each field's default where the trigger's `params` hold none for it, a
hidden field's always. A manifest event with fields is compared as xyOps keeps it, so
apply then plan is empty; the emulator fills them in as xyOps does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator

KEY = "s23bXyOpsKey0123456789ab"
EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: report
spec:
  title: Report
  category: general
  plugin: shellplug
  targets: [main]
  fields:
    - {id: region, type: text, value: eu}
    - {id: mode, type: hidden, value: fast}
    - {id: extra, type: json, value: {a: 1}}
    - {id: note, type: text}
  triggers:
    - {type: schedule, hours: [4], minutes: [0]}
    - {type: schedule, hours: [5], minutes: [0], params: {region: us, mode: slow}}
    - {type: manual}
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[XyOpsEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        yield emu


def run(emu: XyOpsEmulator, *args: str) -> Result:
    env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": KEY, "NO_COLOR": "1"}
    return CliRunner().invoke(cli, list(args), env=env)


def test_trigger_params_from_fields_converge(emu: XyOpsEmulator, tmp_path: Path) -> None:
    (tmp_path / "event.yaml").write_text(EVENT)
    applied = run(emu, "apply", str(tmp_path), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = run(emu, "plan", str(tmp_path), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    [event] = [e for e in emu.snapshot()["events"] if e["id"] == "report"]
    assert [t.get("params") for t in event["triggers"]] == [
        {"region": "eu", "mode": "fast", "extra": {"a": 1}},
        {"region": "us", "mode": "fast", "extra": {"a": 1}},
        None,
    ]
    # a hand edit of a trigger's value is drift, which apply heals
    triggers = [dict(t) for t in event["triggers"]]
    triggers[0]["params"] = {**triggers[0]["params"], "region": "ap"}
    emu.api.call("update_event", {"id": "report", "triggers": triggers}, "POST", False)
    assert run(emu, "drift", str(tmp_path)).exit_code == 2
    assert run(emu, "apply", str(tmp_path), "--auto-approve").exit_code == 0
    assert run(emu, "plan", str(tmp_path), "--detailed-exitcode").exit_code == 0
