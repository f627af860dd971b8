"""A layout item's `y` was allowed up to 2**63-1 (a Long), but JupiterOne's server is
Node.js: a whole number beyond 2**53-1 is rounded to the nearest double when it is read.
Apply created such a board, and export then left it out ("Input should be less than or
equal to 9223372036854775807"), since the number it read back was another. `y` now stops
at 2**53-1 (node_json.JS_SAFE_INTEGER), refused at its line before any change; the
largest `y` allowed applies, plans nothing and exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.node_json import JS_SAFE_INTEGER
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

BOARD = """\
apiVersion: j1sync/v1
kind: Dashboard
metadata:
  name: Ops
spec:
  widgets:
    users:
      title: Users
      type: number
  layouts:
    md:
      - {{widget: users, x: 0, y: {y}, w: 2, h: 2}}
"""


def _write_board(y: int) -> None:
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir(exist_ok=True)
    Path("m/board.yaml").write_text(BOARD.format(y=y), encoding="utf-8")


@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve"), ("validate",)])
def test_a_y_the_server_would_round_is_refused_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    _write_board(JS_SAFE_INTEGER + 1)
    with running_emulator(seed=BASE_SEED) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert (
            f"m/board.yaml:12:34: Dashboard/Ops: spec.layouts.md[0].y: Input should be less "
            f"than or equal to {JS_SAFE_INTEGER}"
        ) in result.output
        assert not emu.snapshot().get("dashboards")


def test_the_largest_y_applies_plans_nothing_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write_board(JS_SAFE_INTEGER)
    with running_emulator(seed=BASE_SEED) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
        exported = jupiterone_run(emu, "export", "--out", "exported", "--kind", "Dashboard")
        assert exported.exit_code == 0, exported.output
        assert "left out" not in exported.output
        assert f"'y': {JS_SAFE_INTEGER}" in Path("exported/dashboards/ops.yaml").read_text()
