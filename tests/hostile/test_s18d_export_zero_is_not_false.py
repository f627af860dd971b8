"""Adopting an xyOps monitor whose `delta_min_value` is 0 (the reference: `false` for
disabled, or any number to enable it, including 0): export left the field out, taking 0
for its default `false` (Python's `0 == False`), so the first plan of the exported folder
planned setting it to false, and the apply turned the minimum off. Now a number is never
taken for a boolean default: the export writes `delta_min_value: 0` and plans no change
but adoption."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import running_xyops_emulator
from tests.hostile.xyops_cli import KEY, call, run

MONITOR = {"title": "Disk delta", "source": "1", "data_type": "integer", "delta": True}


def test_a_minimum_of_zero_is_exported_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with running_xyops_emulator(api_key=KEY) as emu:
        for ident, minimum in (("zero_min", 0), ("no_min", False), ("one_min", 1)):
            body = {"id": ident, **MONITOR, "delta_min_value": minimum}
            assert call(emu, "create_monitor", body)["code"] == 0
        args = ("export", "--system", "xyops", "--kind", "Monitor", "--out", "ex")
        exported = run(emu, *args)
        assert exported.exit_code == 0, exported.output
        assert "delta_min_value: 0\n" in Path("ex/monitors/zero-min.yaml").read_text("utf-8")
        assert "delta_min_value" not in Path("ex/monitors/no-min.yaml").read_text("utf-8")
        assert "delta_min_value: 1\n" in Path("ex/monitors/one-min.yaml").read_text("utf-8")

        Path("j1sync.yaml").write_text("paths: [ex]\n", encoding="utf-8")
        planned = run(emu, "plan", "ex", "--format", "json")
        assert planned.exit_code == 0, planned.output
        changed = {c["address"]: c["changed_paths"] for c in json.loads(planned.stdout)["changes"]}
        # adoption only: the marker added to each monitor's notes
        assert all(paths == ["notes"] for paths in changed.values()), changed
        applied = run(emu, "apply", "ex", "--auto-approve")
        assert applied.exit_code == 0, applied.output
        kept = call(emu, "get_monitor", {"id": "zero_min"})["monitor"]["delta_min_value"]
        assert kept == 0 and kept is not False  # (0 == False in Python)
