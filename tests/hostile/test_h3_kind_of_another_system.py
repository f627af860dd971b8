"""A kind written under another system's apiVersion (`kind: Label` with xyOps's, `kind:
Event` with JupiterOne's) is answered with the apiVersion that has it: before, the error
listed the wrong system's kinds, leaving the user to guess that the apiVersion was the
slip, not the kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Label
metadata:
  name: x
---
apiVersion: opencti.j1sync/v1
kind: Tag
metadata:
  name: y
spec:
  title: T
---
apiVersion: j1sync/v1
kind: Event
metadata:
  name: v
---
apiVersion: opencti.j1sync/v1
kind: Lable
metadata:
  name: w
"""

EXPECTED = [
    "m.yaml:2:7: Label/x: kind: unknown kind 'Label'; 'Label' is a kind of OpenCTI "
    "(apiVersion: opencti.j1sync/v1)",
    "m.yaml:7:7: Tag/y: kind: unknown kind 'Tag'; 'Tag' is a kind of xyOps "
    "(apiVersion: xyops.j1sync/v1)",
    "m.yaml:14:7: Event/v: kind: unknown kind 'Event'; 'Event' is a kind of xyOps "
    "(apiVersion: xyops.j1sync/v1)",
    "m.yaml:19:7: Lable/w: kind: unknown kind 'Lable'; did you mean 'Label'?",
]


def test_a_kind_of_another_system_names_its_api_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(MANIFESTS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "m.yaml"])
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    for expected in EXPECTED:
        assert expected in lines, result.stderr
