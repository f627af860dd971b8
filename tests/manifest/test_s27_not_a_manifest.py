"""A YAML file that is no manifest at all (a docker-compose.yml beside the manifests, run
without j1sync.yaml) is said to be one thing: not a j1sync manifest, and what to do;
not "required field 'apiVersion' is missing" and "'kind' is missing"."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata: {name: q}
spec:
  title: Q
  queries: [{name: q, query: Find User}]
"""


def test_a_compose_file_is_not_a_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres\n")
    (tmp_path / "q.yaml").write_text(QUESTION)

    result = CliRunner().invoke(cli, ["validate"], catch_exceptions=False)

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "docker-compose.yml:1:1: not a j1sync manifest (no apiVersion, kind, metadata or "
        "spec): every .yaml and .yml file under the run's paths is read as one; give the "
        "manifests' folder, or name it in j1sync.yaml's `paths`",
        "1 manifest error",
    ]


def test_a_manifest_missing_its_envelope_is_still_told_field_by_field(tmp_path: Path) -> None:
    (tmp_path / "half.yaml").write_text("metadata: {name: x}\nspec: {}\n")

    result = CliRunner().invoke(cli, ["validate", str(tmp_path)], catch_exceptions=False)

    assert result.exit_code == 1
    assert "apiVersion: required field 'apiVersion' is missing" in result.stderr
    assert "not a j1sync manifest" not in result.stderr
