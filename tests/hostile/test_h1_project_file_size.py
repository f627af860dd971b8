"""A j1sync.yaml of tens of megabytes (a few settings, then junk) is refused at once as
one error naming the file, instead of keeping every command parsing it for minutes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile.manifests import QUESTION
from tests.reliability.processes import run_j1sync


@pytest.mark.parametrize("command", [["validate"], ["plan", ".", "--emulator"]])
def test_a_huge_project_file_is_one_error(tmp_path: Path, command: list[str]) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "users.yaml").write_text(QUESTION, encoding="utf-8")
    comment = "#" + "y" * 100 + "\n"
    with (tmp_path / "j1sync.yaml").open("w", encoding="utf-8") as out:
        out.write("managedTag: j1sync\n")
        out.write(comment * 20_000)  # 2 MB; 50 MB took minutes (every read parses it)
    started = time.monotonic()
    result = run_j1sync(command, {}, tmp_path, timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    assert "j1sync.yaml:1:1: j1sync.yaml is 1.9 MiB; a project file holds" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 15, f"took {elapsed:.1f}s"
    assert not (tmp_path / ".j1sync" / "emulator.db").exists()


def test_a_project_file_of_ordinary_size_is_read(tmp_path: Path) -> None:
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "users.yaml").write_text(QUESTION, encoding="utf-8")
    (tmp_path / "j1sync.yaml").write_text(
        "managedTag: [not, a, tag]\n" + "# a comment\n" * 1000, encoding="utf-8"
    )
    result = run_j1sync(["validate"], {}, tmp_path)
    assert result.returncode == 1
    assert "j1sync.yaml:1:1: j1sync.yaml: managedTag: Input should be a valid string" in (
        result.stderr
    )
