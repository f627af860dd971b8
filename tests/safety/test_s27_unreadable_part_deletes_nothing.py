"""A part of the project that cannot be read stops the run: passed over with a warning,
its manifests counted as deleted and apply deleted their objects (a linked folder whose
target had moved)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: {name}
spec:
  title: {name}
  queries:
  - name: q
    query: Find User
"""


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_moved_linked_folder_deletes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("JUPITERONE_")]:
        monkeypatch.delenv(name)
    project = tmp_path / "project"
    shared = tmp_path / "shared"
    for folder, names in ((project, ["own-q"]), (shared, ["shared-q-1", "shared-q-2"])):
        folder.mkdir()
        for name in names:
            (folder / f"{name}.yaml").write_text(QUESTION.format(name=name))
    (project / "j1sync.yaml").write_text("managedTag: s27\n")
    (project / "shared").symlink_to(shared, target_is_directory=True)
    code, out, err = run(["apply", str(project), "--emulator", "--auto-approve", "--force"])
    assert code == 0, out + err

    shutil.move(shared, tmp_path / "shared.moved")
    plan_code, plan_out, plan_err = run(["plan", str(project), "--emulator", "--format", "json"])
    apply_code, apply_out, apply_err = run(
        ["apply", str(project), "--emulator", "--auto-approve", "--force"]
    )

    assert plan_code == 1 and apply_code == 1, plan_out + plan_err + apply_out + apply_err
    for err_text in (plan_err, apply_err):
        assert f"{project / 'shared'}: symbolic link to {shared} cannot be followed" in err_text
    assert "deleted" not in apply_out
    # the questions are all still there: a plan over the folder put back is clean
    shutil.move(tmp_path / "shared.moved", shared)
    code, out, err = run(
        ["plan", str(project), "--emulator", "--format", "json", "--detailed-exitcode"]
    )
    assert code == 0, out + err
