"""OpenCTI collections and feeds name labels and markings in their filters by id
(`objectLabel: <label id>`). Those ids were no reference of theirs, so with `prune: Label`
a label that a hand-made stream collection filters on was deleted, leaving the filter
naming nothing. Now a collection's or feed's filter values that are ids of live objects
are its references: a label one the plan leaves alone names is kept ("Not deleted, still
in use"), one a marked collection names goes after that collection, a saved plan applied
after a collection started naming it is stale, and a manifest naming a label the plan
would delete is refused before any change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

PRUNE = "paths: [m]\nopencti:\n  prune:\n    Label: true\n"
KEEP = (
    "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: keep\n"
    "spec:\n  color: '#000000'\n"
)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    """A fresh OpenCTI holding the labels keep (declared) and old (not), and this folder's
    project pruning labels."""
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text(PRUNE, encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(KEEP, encoding="utf-8")
    with running_opencti_emulator() as emulator:
        for value in ("keep", "old"):
            emulator.api.insert("Label", {"value": value, "color": "#000000"})
        yield emulator


def _label_id(emu: OpenCtiEmulator, value: str) -> str:
    return str(next(x["id"] for x in emu.snapshot()["labels"] if x["value"] == value))


def _filters(label_id: str) -> dict[str, Any]:
    """Reports labelled `label_id`, in a nested group (as OpenCTI's UI writes them)."""
    labelled = {"key": ["objectLabel"], "values": [label_id], "operator": "eq", "mode": "or"}
    nested = {"mode": "and", "filters": [labelled], "filterGroups": []}
    reports = {"key": ["entity_type"], "values": ["Report"], "operator": "eq", "mode": "or"}
    return {"mode": "and", "filters": [reports], "filterGroups": [nested]}


def _stream(emu: OpenCtiEmulator, name: str, label_id: str, description: str) -> None:
    body = {"name": name, "description": description, "stream_live": True}
    emu.api.insert("StreamCollection", {**body, "filters": json.dumps(_filters(label_id))})


def _labels(emu: OpenCtiEmulator) -> set[str]:
    return {str(x["value"]) for x in emu.snapshot()["labels"]}


def test_a_label_a_hand_made_collection_filters_on_is_kept(emu: OpenCtiEmulator) -> None:
    _stream(emu, "Hand stream", _label_id(emu, "old"), "made by hand")
    planned = opencti_run(emu, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert (
        "opencti.Label/old: prune is enabled for opencti.Label in j1sync.yaml and no manifest "
        "declares it, but opencti.StreamCollection/Hand stream still uses it; not deleted"
    ) in planned.output
    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _labels(emu) == {"keep", "old"}


def test_a_marked_collection_and_the_label_it_names_go_collection_first(
    emu: OpenCtiEmulator,
) -> None:
    _stream(emu, "Old stream", _label_id(emu, "old"), "old\n\nmanaged-by: j1sync")
    planned = opencti_run(emu, "plan", "--format", "json")
    changes = {c["address"]: c for c in json.loads(planned.stdout)["changes"]}
    assert changes["opencti.Label/old"]["depends_on"] == ["opencti.StreamCollection/Old stream"]
    applied = opencti_run(emu, "apply", "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    lines = applied.output.splitlines()
    stream = lines.index("deleted opencti.StreamCollection/Old stream")
    assert stream < lines.index("deleted opencti.Label/old")
    assert _labels(emu) == {"keep"}


def test_a_saved_plan_deleting_a_label_a_collection_now_names_is_stale(
    emu: OpenCtiEmulator,
) -> None:
    planned = opencti_run(emu, "plan", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert "- opencti.Label/old" in planned.output
    _stream(emu, "Made since", _label_id(emu, "old"), "made by hand")
    applied = opencti_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "the plan is stale" in applied.output
    assert "opencti.Label/old: now used by opencti.StreamCollection/Made since" in applied.output
    assert _labels(emu) == {"keep", "old"}


def test_a_manifest_filtering_on_a_label_the_plan_deletes_is_refused(
    emu: OpenCtiEmulator,
) -> None:
    stream = {
        "apiVersion": "opencti.j1sync/v1",
        "kind": "StreamCollection",
        "metadata": {"name": "Declared"},
        "spec": {"filters": _filters(_label_id(emu, "old"))},
    }
    Path("m/stream.yaml").write_text(json.dumps(stream), encoding="utf-8")
    planned = opencti_run(emu, "plan")
    assert planned.exit_code == 1, planned.output
    assert (
        "opencti.StreamCollection/Declared refers to opencti.Label/old, which this plan deletes"
    ) in planned.output
    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert _labels(emu) == {"keep", "old"}
