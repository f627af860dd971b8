"""A j1sync.yaml whose `paths` name a folder holding a j1sync.yaml of its own: the run has
two project files. The second silently replaced the first (its managed tag, what it
prunes, its safety limits), though two project files given as two paths were an error.
Now the same error, whether the run reads the root's `paths` or the folder itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: Q one
  queries:
    - name: a
      query: Find User
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "q.yaml").write_text(QUESTION, encoding="utf-8")
    (tmp_path / "j1sync.yaml").write_text("paths: [m]\nmanagedTag: root\n", encoding="utf-8")
    return tmp_path


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize("args", [(), (".",)])
def test_s25_a_named_folders_own_project_file_is_a_second_one(
    project: Path, args: tuple[str, ...]
) -> None:
    (project / "m" / "j1sync.yaml").write_text("managedTag: sub\n", encoding="utf-8")
    code, output = validate(*args)
    assert code == 1, output
    assert "more than one j1sync.yaml in this run (m/j1sync.yaml, j1sync.yaml)" in output


def test_s25_one_project_file_is_one(project: Path) -> None:
    assert validate() == (0, "1 manifest valid: 1 Question\n")
    # the folder given alone, with a file of its own, is still the root project's: its
    # run would take it for a whole project (and delete what the root's other folders
    # declare), so it is refused too, naming the project that reads it
    (project / "m" / "j1sync.yaml").write_text("managedTag: sub\n", encoding="utf-8")
    code, output = validate("m")
    assert code == 1, output
    assert "m/j1sync.yaml:1:1: this project's folder is read by the project of j1sync.yaml" in (
        output
    )
