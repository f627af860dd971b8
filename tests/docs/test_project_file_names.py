"""docs/manifests.md "The project file": `j1sync.yml` is read as `j1sync.yaml` is, and a
folder holding both is an error naming them, before any request. Both were read in turn
and the first found won: the settings of `j1sync.yml` (its prune, its paths) were
silently ignored beside a `j1sync.yaml`."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.docs.test_documented_commands import j1sync

ROOT = Path(__file__).resolve().parents[2]


def test_the_doc_names_both_spellings() -> None:
    reference = (ROOT / "docs" / "manifests.md").read_text(encoding="utf-8")
    section = reference.split("## The project file: j1sync.yaml", 1)[1]
    assert "`j1sync.yml` is read the same way; a folder holding both is an error" in section


def test_j1sync_yml_is_the_project_file_when_alone(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "questions")
    (tmp_path / "j1sync.yml").write_text("managedTag: ours\nsafety: {minObject: 1}\n", "utf-8")
    result = j1sync(["validate"], tmp_path)
    assert result.returncode == 1
    assert "j1sync.yml:2:10: j1sync.yml: safety.minObject: unknown field" in result.stderr


def test_both_spellings_in_one_folder_are_an_error_before_any_request(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "questions")
    (tmp_path / "j1sync.yaml").write_text("managedTag: ours\n", encoding="utf-8")
    (tmp_path / "j1sync.yml").write_text("prune: {IamGroup: true}\n", encoding="utf-8")
    for command in (["validate"], ["plan", "--emulator"], ["apply", "--emulator"]):
        result = j1sync(command, tmp_path)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert (
            "j1sync.yml:1:1: j1sync.yaml and j1sync.yml are both here: j1sync reads one "
            "project file per folder; keep one of them"
        ) in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / ".j1sync").exists()


def test_a_paths_entry_that_does_not_exist_is_an_error_at_its_line(tmp_path: Path) -> None:
    """It was 'manifest:1:1: no such file or directory', naming neither j1sync.yaml nor
    the key; export, which may write the folder, still runs."""
    reference = " ".join((ROOT / "docs" / "manifests.md").read_text(encoding="utf-8").split())
    shown = "j1sync.yaml:1:20: j1sync.yaml: paths[1]: 'manifest' does not exist"
    assert f"(`{shown} ...`), for every command but `export`" in reference
    shutil.copytree(ROOT / "examples" / "manifests" / "questions", tmp_path / "questions")
    (tmp_path / "j1sync.yaml").write_text("paths: [questions, manifest]\n", encoding="utf-8")
    for command in (["validate"], ["validate", "questions"], ["plan", "--emulator"]):
        result = j1sync(command, tmp_path)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert f"{shown} (a path of j1sync.yaml is relative to its folder)" in result.stderr
    assert not (tmp_path / ".j1sync").exists()
    exported = j1sync(["export", "--emulator", "--out", "manifest"], tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "manifest" / "questions").is_dir()
    assert "does not exist" not in j1sync(["validate"], tmp_path).stderr
