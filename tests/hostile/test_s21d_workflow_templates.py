"""With OpenCTI's `prune: StatusTemplate` and no Workflow manifest, the workflows were not
read, so a status template a workflow still uses was planned for deletion; j1sync's
delete re-reads the template's usages and refuses it (OpenCTI's statusTemplateDelete would
take that workflow's status with it), so every apply failed on it. Now a plan that deletes
status templates reads the workflows too (one that deletes none reads none), and keeps
such a template under "Not deleted, still in use"; a saved plan applied after a workflow
started using the template is stale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

PRUNE = "paths: [m]\nopencti:\n  prune:\n    StatusTemplate: true\n"
KEEP = (
    "apiVersion: opencti.j1sync/v1\nkind: StatusTemplate\nmetadata:\n  name: KEEP\n"
    "spec:\n  color: '#000000'\n"
)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    """A fresh OpenCTI holding the template KEEP (declared) and LEFTOVER (not), and this
    folder's project pruning status templates."""
    monkeypatch.chdir(tmp_path)
    Path("j1sync.yaml").write_text(PRUNE, encoding="utf-8")
    Path("m").mkdir()
    Path("m/keep.yaml").write_text(KEEP, encoding="utf-8")
    with running_opencti_emulator() as emulator:
        emulator.api.insert("Status-Template", {"name": "KEEP", "color": "#000000"})
        yield emulator


def _used_by_a_workflow(emu: OpenCtiEmulator, name: str) -> None:
    """The template `name`, and a Grouping workflow status using it (made by hand)."""
    template = emu.api.insert("Status-Template", {"name": name, "color": "#222222"})
    status = {"type": "Grouping", "template_id": template["id"], "order": 1, "scope": "GLOBAL"}
    emu.api.insert("Status", status)


def _templates(emu: OpenCtiEmulator) -> set[str]:
    return {str(t["name"]) for t in emu.snapshot()["status_templates"]}


def test_a_template_a_workflow_no_manifest_declares_uses_is_kept(emu: OpenCtiEmulator) -> None:
    _used_by_a_workflow(emu, "IN_USE")
    planned = opencti_run(emu, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert (
        "opencti.StatusTemplate/IN_USE: prune is enabled for opencti.StatusTemplate in "
        "j1sync.yaml and no manifest declares it, but opencti.Workflow/Grouping still uses "
        "it; not deleted"
    ) in planned.output
    applied = opencti_run(emu, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "failed" not in applied.output
    assert "IN_USE" in _templates(emu)


def test_a_plan_deleting_no_template_reads_no_workflow(emu: OpenCtiEmulator) -> None:
    emu.stats.reset()
    planned = opencti_run(emu, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert emu.stats.requests["subTypes"] == 0


def test_a_saved_plan_deleting_a_template_a_workflow_now_uses_is_stale(
    emu: OpenCtiEmulator,
) -> None:
    emu.api.insert("Status-Template", {"name": "LEFTOVER", "color": "#111111"})
    planned = opencti_run(emu, "plan", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert "- opencti.StatusTemplate/LEFTOVER" in planned.output
    template = next(t for t in emu.snapshot()["status_templates"] if t["name"] == "LEFTOVER")
    status = {"type": "Grouping", "template_id": template["id"], "order": 1, "scope": "GLOBAL"}
    emu.api.insert("Status", status)

    applied = opencti_run(emu, "apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 1, applied.output
    assert "the plan is stale" in applied.output
    assert (
        "opencti.StatusTemplate/LEFTOVER: now used by opencti.Workflow/Grouping"
    ) in applied.output
    assert "LEFTOVER" in _templates(emu)
