"""The live API answers a group's ABAC permissions in an order of its own (reference
recordings/TestUserGroup_Basic.yaml: created accessInsights, readGraph and read back as
readGraph, accessInsights); the emulator sorted them, so an order-sensitive comparison in
j1sync would have passed here and shown a change on every production plan. j1sync compares
them as a set: a manifest listing them in another order plans no change."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

GROUP = """apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: auditors
spec:
  abacPermissions: [{permissions}]
"""
READ_ORDER = ["readGraph", "accessInsights"]


def _group(permissions: str) -> None:
    Path("m/auditors.yaml").write_text(GROUP.format(permissions=permissions), encoding="utf-8")


def test_permissions_answered_in_the_recorded_order_and_compared_as_a_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    seed = {**BASE_SEED, "iamGroups": [{"name": "auditors", "abacPermissions": READ_ORDER}]}
    with running_emulator(seed=seed) as emu:
        stored = next(g for g in emu.snapshot()["iam_groups"] if g["name"] == "auditors")
        assert stored["abacPermissions"] == READ_ORDER

        _group("accessInsights, readGraph")
        planned = jupiterone_run(emu, "plan", "m", "--detailed-exitcode")
        assert planned.exit_code == 0, planned.output
        assert "No changes" in planned.output

        _group("accessInsights")
        planned = jupiterone_run(emu, "plan", "m", "--detailed-exitcode")
        assert planned.exit_code == 2, planned.output
        assert "- readGraph" in planned.output, planned.output
