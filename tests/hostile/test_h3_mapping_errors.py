"""A value that should be a mapping and is not (`spec: 7`, `metadata: 5`, a j1sync.yaml
section that is a number or a list) is told in the manifest's terms: before, pydantic's
wording named j1sync's own classes ("a valid dictionary or instance of TagSpec",
"OpenCTIPrune", "xyOpsTarget"), which no manifest or doc mentions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata: 5
spec: 7
---
apiVersion: opencti.j1sync/v1
kind: Group
metadata:
  name: Analysts
spec:
  group_confidence_level: 5
  default_marking: [5]
---
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q
spec: [title]
"""

EXPECTED = [
    "m/a.yaml:3:11: metadata: Input should be a mapping (`key: value` lines) (got int 5)",
    "m/a.yaml:4:7: spec: Input should be a mapping (`key: value` lines) (got int 7)",
    "m/a.yaml:11:27: opencti.Group/Analysts: spec.group_confidence_level: Input should be a "
    "mapping (`key: value` lines) (got int 5)",
    "m/a.yaml:12:21: opencti.Group/Analysts: spec.default_marking[0]: Input should be a "
    "mapping (`key: value` lines) (got int 5)",
    "m/a.yaml:18:1: Question/q: spec: Input should be a mapping (`key: value` lines) (got a list)",
]


def test_a_value_that_is_no_mapping_is_told_in_the_manifests_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/a.yaml").write_text(MANIFESTS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "m"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    for expected in EXPECTED:
        assert expected in lines, result.stderr
    assert "instance of" not in result.stderr


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("opencti: {prune: 5}", "j1sync.yaml:2:18: j1sync.yaml: opencti.prune: "),
        ("xyops: 7", "j1sync.yaml:2:8: j1sync.yaml: xyops: "),
        ("opencti: {safety: [1]}", "j1sync.yaml:2:11: j1sync.yaml: opencti.safety: "),
    ],
)
def test_a_j1sync_yaml_section_that_is_no_mapping_is_told_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, section: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/t.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: t\nspec:\n  title: T\n",
        encoding="utf-8",
    )
    Path("j1sync.yaml").write_text(f"paths: [m]\n{section}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1, result.output
    assert expected + "Input should be a mapping (`key: value` lines)" in result.stderr
    assert "instance of" not in result.stderr
