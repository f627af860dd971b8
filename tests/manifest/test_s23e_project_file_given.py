"""The project file given as a PATH (`j1sync validate j1sync.yaml`, as one checks a
manifest) was read as a manifest: "required field 'apiVersion' is missing", "required
field 'kind' is missing", as if the file were broken. It is refused with what it is and
what to give instead; the manifests beside it are still checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION


@pytest.mark.parametrize("name", ["j1sync.yaml", "j1sync.yml"])
def test_the_project_file_is_no_manifest(tmp_path: Path, name: str) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / name).write_text("paths: [manifests]\n")
    done = j1sync_here(["validate", name], {}, tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{name}:1:1: this is the project file, not a manifest: every command reads it by "
        "itself, from the folder of the paths it is given (or the current one), and "
        "validate checks it; give its folder, or no path to read its `paths`",
        f"1 error in {name}",
    ]
    assert j1sync_here(["validate"], {}, tmp_path).stdout == "1 manifest valid: 1 Question\n"


def test_beside_a_broken_manifest(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION.replace("title:", "titel:"))
    (tmp_path / "j1sync.yaml").write_text("managedTag: j1sync\n")
    done = j1sync_here(["validate", "j1sync.yaml", "q.yaml"], {}, tmp_path)
    assert done.returncode == 1
    assert "j1sync.yaml:1:1: this is the project file, not a manifest" in done.stderr
    assert "q.yaml:6:3: Question/q1: spec.titel: unknown field 'titel'" in done.stderr
    assert "'apiVersion' is missing" not in done.stderr
