"""A hostile j1sync.yaml or manifest whose YAML aliases expand without bound ("billion
laughs": nine lines, hundreds of millions of values) is one clear error naming the file,
at once, never a run that hangs on it; a modest use of anchors still works."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile.manifests import QUESTION
from tests.reliability.processes import run_j1sync


def _laughs(indent: str) -> str:
    """Nine levels of nine aliases each: 9**9 values once expanded."""
    lines = [f'{indent}x-a: &a ["x","x","x","x","x","x","x","x","x"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{indent}x-{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
        previous = name
    return "\n".join(lines) + "\n"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "questions").mkdir(parents=True)
    (project / "questions" / "users.yaml").write_text(QUESTION, encoding="utf-8")
    return project


def _assert_one_clear_error(args: list[str], project: Path, where: str) -> None:
    started = time.monotonic()
    result = run_j1sync(args, {}, project, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{where}: YAML aliases (*name) expand this document" in result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 30, f"took {elapsed:.1f}s"


@pytest.mark.parametrize("command", [["validate"], ["plan", ".", "--emulator"]])
def test_aliases_expanding_hugely_in_j1sync_yaml_are_an_error(
    tmp_path: Path, command: list[str]
) -> None:
    project = _project(tmp_path)
    (project / "j1sync.yaml").write_text("managedTag: j1sync\n" + _laughs(""), encoding="utf-8")
    _assert_one_clear_error(command, project, "j1sync.yaml:1:1")


@pytest.mark.parametrize("command", [["validate"], ["plan", ".", "--emulator"]])
def test_aliases_expanding_hugely_in_a_manifest_are_an_error(
    tmp_path: Path, command: list[str]
) -> None:
    project = _project(tmp_path)
    laughs = QUESTION.replace("spec:\n", "spec:\n" + _laughs("  "))
    (project / "questions" / "laughs.yaml").write_text(
        laughs.replace("name: users", "name: laughs"), encoding="utf-8"
    )
    _assert_one_clear_error(command, project, "questions/laughs.yaml:1:1")


def test_modest_anchors_still_load(tmp_path: Path) -> None:
    project = _project(tmp_path)
    aliased = QUESTION.replace("name: users", "name: aliased").replace(
        "  title: Users\n", "  title: &same Same words\n  description: *same\n"
    )
    (project / "questions" / "aliased.yaml").write_text(aliased, encoding="utf-8")
    result = run_j1sync(["validate"], {}, project)
    assert result.returncode == 0, result.stderr
    assert "2 manifests valid" in result.stdout
