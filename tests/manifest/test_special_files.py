"""Files that are not regular files, named like manifests or like j1sync.yaml: a pipe is
never opened (it would block the run for ever) and never passed over in silence; a folder
named j1sync.yaml is an error, not a missing project file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "manifests"


def _validate(cwd: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "j1sync", "validate", *paths],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "m")
    return tmp_path


def test_a_pipe_named_like_a_manifest_in_a_folder_is_a_warning(tmp_path: Path) -> None:
    project = _project(tmp_path)
    os.mkfifo(project / "m" / "incoming.yaml")
    result = _validate(project, "m")
    assert result.returncode == 0, result.stderr
    assert "m/incoming.yaml: skipped: not a regular file" in result.stderr
    assert "35 manifests valid" in result.stdout  # every system's examples


def test_a_pipe_given_by_name_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    os.mkfifo(project / "pipe.yaml")
    result = _validate(project, "pipe.yaml")
    assert result.returncode == 1
    assert "pipe.yaml:1:1: not a regular file" in result.stderr


def test_a_pipe_or_folder_as_the_project_file_is_an_error(tmp_path: Path) -> None:
    project = _project(tmp_path)
    os.mkfifo(project / "j1sync.yaml")
    piped = _validate(project, ".")
    assert piped.returncode == 1
    assert "j1sync.yaml:1:1: cannot read file: not a regular file" in piped.stderr
    (project / "j1sync.yaml").unlink()
    (project / "j1sync.yaml").mkdir()
    folder = _validate(project, ".")
    assert folder.returncode == 1
    assert "j1sync.yaml:1:1: cannot read file" in folder.stderr
    assert "Traceback" not in piped.stderr + folder.stderr


def test_a_pipe_beside_a_run_does_not_block_the_project_scan(tmp_path: Path) -> None:
    """The scan for manifests outside a run (no j1sync.yaml) reads only regular files."""
    project = _project(tmp_path)
    os.mkfifo(project / "m" / "zz-pipe.yaml")
    result = _validate(project, "m/questions")
    assert result.returncode == 0, result.stderr
