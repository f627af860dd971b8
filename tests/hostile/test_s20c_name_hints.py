"""A name a manifest writes in another case than OpenCTI's: `statuses: [new]` for the
template NEW, `allowed_marking: [tlp:green]`, `roles: [default]`, `capabilities:
[knowledge]`. The run stopped at the name, as it must (j1sync sends ids, found by the
exact name), but said no more than 'no StatusTemplate named 'new'': the hint compared
spellings case and all, and 'new' is nowhere near 'NEW' to difflib. The hint now offers
the name it is but for case first, as every other did-you-mean of j1sync does
(registry.closest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.opencti.emulator import OpenCtiEmulator, running_opencti_emulator
from tests.hostile.in_process import opencti_run

MANIFESTS = """apiVersion: opencti.j1sync/v1
kind: Workflow
metadata:
  name: Report
spec:
  statuses: [new]
---
apiVersion: opencti.j1sync/v1
kind: Role
metadata:
  name: Reader
spec:
  capabilities: [knowledge]
---
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Readers
spec:
  group_confidence_level: {max_confidence: 50}
  roles: [default]
  allowed_marking: ["tlp:green"]
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenCtiEmulator]:
    monkeypatch.chdir(tmp_path)
    with running_opencti_emulator() as emulator:
        yield emulator


def test_a_name_in_another_case_is_offered_as_it_is(emu: OpenCtiEmulator) -> None:
    Path("m").mkdir()
    Path("m/all.yaml").write_text(MANIFESTS, encoding="utf-8")
    before = emu.snapshot()
    result = opencti_run(emu, "plan", "m")
    assert result.exit_code == 1, result.output
    for line in (
        "m/all.yaml:6:14: opencti.Workflow/Report: spec.statuses[0]: no StatusTemplate named "
        "'new' is declared or in OpenCTI; did you mean 'NEW'?",
        "m/all.yaml:13:18: opencti.Role/Reader: spec.capabilities[0]: 'knowledge' is not a "
        "capability of this OpenCTI; did you mean 'KNOWLEDGE'?",
        "m/all.yaml:21:11: opencti.Group/Readers: spec.roles[0]: no Role named 'default' is "
        "declared or in OpenCTI; did you mean 'Default'?",
        "m/all.yaml:22:21: opencti.Group/Readers: spec.allowed_marking[0]: no "
        "MarkingDefinition named 'tlp:green' is declared or in OpenCTI; did you mean "
        "'TLP:GREEN'?",
    ):
        assert line in result.output
    assert "Traceback" not in result.output
    assert emu.snapshot() == before
