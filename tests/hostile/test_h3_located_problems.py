"""A name the server does not hold, found once the account is read, is reported as the
loader reports its errors: `file:line:column: address: field: message`, at the field as
the manifest writes it. Before, an OpenCTI workflow's entity type or status and an xyOps
event's plugin were reported as `address (file:line:column of the document): ...`, the
place the document starts, not the field's; the same holds for a duplicate OpenCTI name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.opencti.emulator import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator

XYOPS_KEY = "h3LocatedProblemsKey01234567"

WORKFLOW = """\
# the Report workflow, misspelt twice
apiVersion: opencti.j1sync/v1
kind: Workflow
metadata:
  name: Reprot
spec:
  statuses: [NEW, NOPE]
"""

EVENT = """\
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: h3_event
spec:
  title: E
  category: general
  plugin: shelplug
  targets: [main]
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    yield


def test_an_opencti_workflow_problem_is_at_its_field() -> None:
    Path("w.yaml").write_text(WORKFLOW, encoding="utf-8")
    with running_opencti_emulator() as emu:
        env = {"OPENCTI_URL": emu.url, "OPENCTI_TOKEN": emu.token, "NO_COLOR": "1"}
        before = emu.snapshot()
        result = CliRunner().invoke(cli, ["apply", "--auto-approve", "w.yaml"], env=env)
        assert emu.snapshot() == before
    assert result.exit_code == 1, result.output
    lines = [line.removeprefix("Error: ") for line in result.stderr.splitlines()]
    assert (
        "w.yaml:5:9: opencti.Workflow/Reprot: metadata.name: 'Reprot' is not an entity type "
        "with a workflow in OpenCTI; did you mean 'Report'?"
    ) in [line.partition(" (types:")[0] for line in lines], result.stderr
    assert (
        "w.yaml:7:19: opencti.Workflow/Reprot: spec.statuses[1]: no StatusTemplate named "
        "'NOPE' is declared or in OpenCTI"
    ) in lines, result.stderr


def test_an_xyops_plugin_the_server_lacks_is_at_its_field() -> None:
    Path("e.yaml").write_text(EVENT, encoding="utf-8")
    with running_xyops_emulator(api_key=XYOPS_KEY) as emu:
        env = {"XYOPS_URL": emu.url, "XYOPS_API_KEY": XYOPS_KEY, "NO_COLOR": "1"}
        before = emu.snapshot()
        result = CliRunner().invoke(cli, ["apply", "--auto-approve", "e.yaml"], env=env)
        assert emu.snapshot() == before
    assert result.exit_code == 1, result.output
    lines = [line.removeprefix("Error: ") for line in result.stderr.splitlines()]
    assert (
        "e.yaml:8:11: xyops.Event/h3_event: spec.plugin: plugin 'shelplug' is not in xyOps; "
        "did you mean 'shellplug'? (plugins: shellplug, testplug)"
    ) in lines, result.stderr
