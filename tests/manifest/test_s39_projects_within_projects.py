"""A j1sync.yaml below the folders a project reads: a project within the project. The
root's run passed over it in silence (its settings unused), and a run from its folder took
that folder for the whole project: planned there, it deleted what the root's other folders
declare. Now both runs refuse, naming the other file, before the account is touched.
Projects side by side (a folder each, no file above them) are not within one another."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.hostile.manifests import write_questions


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose j1sync.yaml reads m/, which holds two folders of manifests, one
    of them with a j1sync.yaml of its own."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    write_questions(tmp_path / "m" / "team-a", ["qa"])
    write_questions(tmp_path / "m" / "team-b", ["qb"])
    (tmp_path / "m" / "team-b" / "j1sync.yaml").write_text("managedTag: b\n", encoding="utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_the_root_run_refuses_a_project_file_below_its_folders(project: Path) -> None:
    code, output = run("validate")
    assert code == 1, output
    assert output.startswith(
        "m/team-b/j1sync.yaml:1:1: a j1sync.yaml inside the folders this run reads "
        "(this run's is j1sync.yaml)"
    ), output


def test_a_run_from_the_inner_folder_refuses_and_names_the_project_reading_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "m" / "team-b")
    for command in (["validate"], ["plan", "--emulator"]):
        code, output = run(*command)
        assert code == 1, output
        assert "j1sync.yaml:1:1: this project's folder is read by the project of " in output
        assert str(project / "j1sync.yaml") in output
        assert "Plan:" not in output  # nothing planned, nothing deleted


def test_projects_side_by_side_each_run_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    for team in ("team-a", "team-b"):
        write_questions(tmp_path / team, [f"q-{team}"])
        (tmp_path / team / "j1sync.yaml").write_text("{}\n", encoding="utf-8")
    for team in ("team-a", "team-b"):
        monkeypatch.chdir(tmp_path / team)
        assert run("validate") == (0, "1 manifest valid: 1 Question\n")
    monkeypatch.chdir(tmp_path)
    code, output = run("validate", "team-a", "team-b")
    assert code == 1  # two projects in one run: said as it was
    assert "more than one j1sync.yaml in this run" in output
