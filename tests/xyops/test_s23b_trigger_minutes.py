"""xyOps 1.0.88 floors the times of single shot, range and blackout triggers to the whole
minute on every create and update (lib/api/events.js normalizeEventTriggers). A manifest
time with seconds would be kept as another number, and every plan after would show the
change: it is an error at its line naming the time xyOps keeps; the emulator floors them
as xyOps does."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

EVENT = """apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: once
spec:
  title: Once
  category: general
  plugin: shellplug
  targets: [main]
  triggers:
    - {trigger}
"""


@pytest.mark.parametrize(
    ("trigger", "field", "column", "kept"),
    [
        ("{type: single, epoch: 1767225630}", "epoch", 29, 1767225600),
        ("{type: range, start: 1767225600, end: 1767229259}", "end", 45, 1767229200),
        ("{type: blackout, start: 1767225601, end: 1767229200}", "start", 31, 1767225600),
    ],
)
def test_a_time_with_seconds_is_an_error_naming_what_xyops_keeps(
    tmp_path: Path, trigger: str, field: str, column: int, kept: int
) -> None:
    (tmp_path / "event.yaml").write_text(EVENT.format(trigger=trigger))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    where = f"event.yaml:11:{column}: xyops.Event/once: spec.triggers[0].{field}: "
    assert where in result.output
    assert f"xyOps keeps this time as {kept}: it floors single shot" in result.output
    assert f"; write {kept}" in result.output


def test_whole_minutes_are_kept(tmp_path: Path) -> None:
    trigger = "{type: single, epoch: 1767225600}"
    (tmp_path / "event.yaml").write_text(EVENT.format(trigger=trigger))
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
