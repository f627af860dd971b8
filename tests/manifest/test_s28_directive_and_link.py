"""Two inputs a run took wrongly.

- A `%YAML 1.0` or `1.3` directive (YAML has had only 1.1 and 1.2) stopped validate and
  plan with "internal error: AssertionError: version minor part can only be 2 or 1" (an
  assertion inside ruamel), with no file or line: now a problem at the directive's line,
  in a manifest as in j1sync.yaml.
- A symbolic link to a folder that holds the run's root (`m/loop -> ..`) was followed
  once: the files beside the root were read as part of the run (a plan created what they
  declared) before the loop was noticed a level down. Now it is reported and not followed,
  as docs/manifests.md says of a link back to a folder that contains it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION


@pytest.mark.parametrize("version", ["1.0", "1.3", "1.9"])
@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_a_yaml_version_there_never_was_is_a_located_problem(
    tmp_path: Path, version: str, command: list[str]
) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "q.yaml").write_text(f"# a question\n%YAML {version}\n---\n{QUESTION}")
    done = j1sync_here([*command, "m"], {}, tmp_path)
    assert done.returncode == 1
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert (
        f"m/q.yaml:2:1: unsupported YAML version ('%YAML {version}'): write %YAML 1.2 or "
        "1.1, or no directive"
    ) in done.stderr.splitlines()


def test_the_project_file_says_so_too(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("%YAML 1.3\n---\npaths: [.]\n")
    done = j1sync_here(["validate"], {}, tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "j1sync.yaml:1:1: unsupported YAML version ('%YAML 1.3'): write %YAML 1.2 or 1.1, "
        "or no directive"
    )


def test_a_link_to_a_folder_holding_the_root_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "own.yaml").write_text(QUESTION)
    (tmp_path / "outside.yaml").write_text(QUESTION.replace("name: q1", "name: outside"))
    os.symlink("..", tmp_path / "m" / "loop")
    for command in (["validate", "m"], ["plan", "m", "--emulator"]):
        done = j1sync_here(command, {}, tmp_path)
        assert done.returncode in (0, 2, 3), done.stdout + done.stderr
        assert "Question/outside" not in done.stdout, done.stdout
        assert (
            f"m/loop: skipped: symbolic link loop (leads back to {tmp_path.resolve()}, "
            "which holds it)"
        ) in done.stderr
    assert j1sync_here(["validate", "m"], {}, tmp_path).stdout == "1 manifest valid: 1 Question\n"
