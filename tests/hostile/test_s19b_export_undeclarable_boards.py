"""export of a JupiterOne board no manifest can hold as it is (a markdown widget's title
holding `${env:HOME}`, a widget whose id is no widget key): it was written as found, with
a warning, and the first plan of the exported folder planned replacing the title with the
variable's value, or failed on the key. Now, as for parameters, xyOps and OpenCTI, such a
board is left out with a warning naming the field, and the plan never deletes it,
`prune: Dashboard` notwithstanding; the other boards round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run


def _board(name: str, widget_id: str, title: str) -> dict[str, object]:
    return {
        "name": name,
        "category": "Ops",
        "widgets": [{"id": widget_id, "title": title, "type": "markdown"}],
        "layouts": {"md": [{"i": widget_id, "x": 0, "y": 0, "w": 2, "h": 2}]},
    }


SEED = {
    **BASE_SEED,
    "dashboards": [
        _board("Welcome", "w-1", "Start in ${env:HOME}"),
        _board("Spaced", "w 1", "Hosts"),
        _board("Plain", "w-1", "Hosts"),
    ],
}


def test_boards_no_manifest_can_hold_are_left_out_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    with running_emulator(seed=SEED) as emu:
        exported = jupiterone_run(emu, "export", "--out", "exp", "--kind", "Dashboard")
        assert exported.exit_code == 0, exported.output
        assert (
            "Dashboard/Welcome: left out of the export: spec.widgets.w-1.title: holds '${env:...}'"
        ) in exported.output
        assert (
            "Dashboard/Spaced: left out of the export: spec.widgets.w 1.[key]: 'w 1' is not "
            "a widget key"
        ) in exported.output
        assert sorted(p.name for p in Path("exp").rglob("*.yaml")) == ["plain.yaml"]
        Path("j1sync.yaml").write_text("paths: [exp]\nprune:\n  Dashboard: true\n", "utf-8")
        planned = jupiterone_run(emu, "plan", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        applied = jupiterone_run(emu, "apply", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        boards = {b["name"] for b in emu.snapshot()["dashboards"]}
        assert boards == {"Welcome", "Spaced", "Plain"}
