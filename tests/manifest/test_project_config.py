"""j1sync.yaml: validated like a manifest, turned into ProjectConfig."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.errors import ManifestError
from j1sync.manifest import default_paths, load_manifests, load_project_file
from j1sync.manifest.document import ProjectConfig
from tests.manifest.conftest import WriteFile

FULL = """\
managedTag: gitops
account: j1dev
region: eu
paths: [manifests, more]
prune:
  IamGroup: true
safety:
  minObjects: 5
  maxChangePercent: 50
"""


def test_full_project_file_becomes_project_config(write: WriteFile, tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "more").mkdir()
    config, problems = load_project_file(write("j1sync.yaml", FULL), env={})
    assert problems == []
    assert config == ProjectConfig(
        managed_tag="gitops",
        account="j1dev",
        region="eu",
        prune={"IamGroup": True},
        safety_min_objects=5,
        safety_max_change_fraction=0.5,
        paths=(str(tmp_path / "manifests"), str(tmp_path / "more")),
    )


def test_empty_project_file_means_defaults(write: WriteFile) -> None:
    config, problems = load_project_file(write("j1sync.yaml", "# defaults\n"), env={})
    assert (config, problems) == (ProjectConfig(), [])


def test_project_file_problems_are_located(write: WriteFile) -> None:
    path = write(
        "j1sync.yaml",
        "managedTag: j1sync\nprune:\n  IamGroups: true\nsafety:\n  maxChangePercent: -1\n",
    )
    _, problems = load_project_file(path, env={})
    assert [(p.location and p.location.line, p.field) for p in problems] == [
        (3, "prune.IamGroups"),
        (5, "safety.maxChangePercent"),
    ]


def test_project_file_problems_fail_the_load(write: WriteFile, tmp_path: Path) -> None:
    write("j1sync.yaml", "managedTags: x\n")
    with pytest.raises(ManifestError) as caught:
        load_manifests([tmp_path], env={})
    (problem,) = caught.value.problems
    assert problem.message == "unknown field 'managedTags'; did you mean 'managedTag'?"
    assert problem.document == "j1sync.yaml"


def test_project_file_at_a_folder_root_is_found(write: WriteFile, tmp_path: Path) -> None:
    write("manifests/j1sync.yaml", "managedTag: mine\n")
    loaded = load_manifests([tmp_path / "manifests"], env={}, allow_empty=True)
    assert loaded.project.managed_tag == "mine"
    assert loaded.manifests == ()


def test_default_paths_come_from_j1sync_yaml_in_the_current_folder(
    write: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_paths() == ["."]
    write("j1sync.yaml", "paths: [manifests]\n")
    (tmp_path / "manifests").mkdir()
    assert default_paths() == ["manifests"]


def test_project_file_from_the_current_folder_applies_to_named_paths(
    write: WriteFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write("j1sync.yaml", "managedTag: from-cwd\nprune: {IamGroup: true}\n")
    write("manifests/.keep.yaml", "")
    monkeypatch.chdir(tmp_path)
    loaded = load_manifests(["manifests"], env={}, allow_empty=True)
    assert loaded.project.managed_tag == "from-cwd"
    assert loaded.project.prune == {"IamGroup": True}
