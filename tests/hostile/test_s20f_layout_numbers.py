"""A board's layout item with a number beyond what JupiterOne's layout input takes
(CreateInsightsDashboardLayoutItem: x, w and h are GraphQL Int, 32-bit signed; y a Long,
int64 in JupiterOne's Terraform provider, read by a Node.js server that keeps whole
numbers exactly up to 2**53-1 only): plan showed the board as fine, and apply failed
on it ("Int cannot represent non 32-bit signed integer value"), every later apply too. Now
plan, apply and validate stop at the number's line before any change."""

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
      queries: [{{name: q, query: Find User}}]
  layouts:
    xl:
      - {{widget: users, {field}: {value}, {others}}}
"""
PLACES = {"x": 0, "y": 0, "w": 2, "h": 2}
INT_MAX = 2**31 - 1


def _board(field: str, value: int) -> str:
    others = ", ".join(f"{k}: {v}" for k, v in PLACES.items() if k != field)
    return BOARD.format(field=field, value=value, others=others)


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("x", INT_MAX + 1, INT_MAX),
        ("w", 10**12, INT_MAX),
        ("h", INT_MAX + 1, INT_MAX),
        ("y", JS_SAFE_INTEGER + 1, JS_SAFE_INTEGER),
    ],
)
@pytest.mark.parametrize("command", [("plan",), ("apply", "--auto-approve"), ("validate",)])
def test_a_layout_number_jupiterone_cannot_take_stops_before_any_change(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
    field: str,
    value: int,
    limit: int,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/board.yaml").write_text(_board(field, value), encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emu:
        result = jupiterone_run(emu, *command)
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert "m/board.yaml:13:" in result.output
        assert f"Dashboard/Ops: spec.layouts.xl[0].{field}: " in result.output
        assert f"less than or equal to {limit}" in result.output
        assert not emu.snapshot().get("dashboards")


def test_the_largest_layout_numbers_apply_and_plan_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    board = BOARD.format(
        field="x", value=INT_MAX, others=f"y: {JS_SAFE_INTEGER}, w: {INT_MAX}, h: 1"
    )
    Path("m/board.yaml").write_text(board, encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emu:
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert jupiterone_run(emu, "plan", "--detailed-exitcode").exit_code == 0
