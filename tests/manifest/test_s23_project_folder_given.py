"""A project's folder given alone stands for the project: `j1sync validate .` (and plan, the
GitHub action's default path `.`) at the root of a repository whose j1sync.yaml says
`paths: [manifests]` read every YAML file below the root, a docker-compose.yml and the
workflows among them, and failed on them ('apiVersion: required field ... is missing')."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.hostile.in_process import j1sync_here, jupiterone_run

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "questions", tmp_path / "manifests")
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n", encoding="utf-8")
    (tmp_path / "docker-compose.yml").write_text("services: {web: {image: nginx}}\n", "utf-8")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("given", [".", "{root}"])
def test_the_project_folder_reads_the_project_paths(repository: Path, given: str) -> None:
    path = given.format(root=repository)
    result = j1sync_here(["validate", path], {}, repository)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 manifests valid: 2 Question" in result.stdout


def test_a_folder_without_a_project_file_is_read_whole(repository: Path) -> None:
    (repository / "manifests" / "notes.yaml").write_text("just: notes\n", encoding="utf-8")
    result = j1sync_here(["validate", "manifests"], {}, repository)
    assert result.returncode == 1
    assert "notes.yaml" in result.stdout + result.stderr


def test_plan_of_the_project_folder_plans_the_project(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    with running_emulator(seed="none") as emu:
        planned = jupiterone_run(emu, "plan", os.fspath(repository))
    assert planned.exit_code == 0, planned.output
    assert "Plan: 2 to create, 0 to update, 0 to delete" in planned.output
    assert "Pruning is off" not in planned.output
