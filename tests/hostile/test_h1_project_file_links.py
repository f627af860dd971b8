"""A j1sync.yaml that is a symbolic link which cannot be followed (a loop, a shared file
not checked out) is an error naming it. A loop was an internal error (RuntimeError from
resolving it); a missing target made the run silently use the default settings (another
managedTag, no prune opt-ins, other paths) after a mere "skipped" warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("j1sync.yaml", "Too many levels of symbolic links"),
        ("../shared/j1sync.yaml", "No such file or directory"),
    ],
)
@pytest.mark.parametrize(
    "command", [["validate"], ["plan", ".", "--emulator"], ["apply", ".", "--emulator"]]
)
def test_a_project_file_link_that_cannot_be_followed_is_an_error(
    tmp_path: Path, target: str, reason: str, command: list[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "users.yaml").write_text(QUESTION, encoding="utf-8")
    (project / "j1sync.yaml").symlink_to(target)
    result = j1sync_here(command, {}, project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "j1sync.yaml:1:1: cannot read file: [Errno" in result.stderr
    assert reason in result.stderr
    assert "internal error" not in result.stderr
    assert "Apply complete" not in result.stdout
