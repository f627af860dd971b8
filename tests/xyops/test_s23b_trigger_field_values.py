"""xyOps checks each trigger's params against the event's user fields once it has given
the triggers the fields' values (1.0.88 lib/api/events.js requireValidEventData,
lib/api.js validateParamValues): a required field left empty, or a value out of a field's
`range`, is refused ("Malformed trigger entry #1: Parameter 'region' is required."). A
manifest doing so is an error at its trigger before any request, not an apply failing
half-way; the emulator refuses it in xyOps's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

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
    - {field}
  triggers:
    - {trigger}
"""


@pytest.mark.parametrize(
    ("field", "trigger", "said"),
    [
        (
            "{id: region, type: text, required: true}",
            "{type: schedule, hours: [4], minutes: [0]}",
            "Parameter 'region' is required.",
        ),
        (
            "{id: region, type: text, required: true}",
            "{type: manual, params: {region: ''}}",
            "Parameter 'region' is required.",
        ),
        (
            "{id: size, type: text, range: 1-10/1, value: 5}",
            "{type: interval, start: 1767225600, duration: 60, params: {size: 12}}",
            "Parameter 'size' value is invalid (1-10/1).",
        ),
    ],
)
def test_trigger_values_xyops_refuses_are_errors_at_the_trigger(
    tmp_path: Path, field: str, trigger: str, said: str
) -> None:
    (tmp_path / "event.yaml").write_text(EVENT.format(field=field, trigger=trigger))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 1, result.output
    assert "event.yaml:13:" in result.output and "spec.triggers[0]" in result.output
    assert f"xyOps refuses it: Malformed trigger entry #1: {said}" in result.output


@pytest.mark.parametrize(
    ("field", "trigger"),
    [
        ("{id: region, type: text, required: true, value: eu}", "{type: startup}"),
        ("{id: region, type: text, required: true}", "{type: manual}"),
        (
            "{id: region, type: text, required: true}",
            "{type: single, epoch: 1767225600, params: {region: us}}",
        ),
        ("{id: size, type: text, range: 1-10/any, value: 2.5}", "{type: startup}"),
    ],
)
def test_values_xyops_takes_are_valid(tmp_path: Path, field: str, trigger: str) -> None:
    (tmp_path / "event.yaml").write_text(EVENT.format(field=field, trigger=trigger))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
