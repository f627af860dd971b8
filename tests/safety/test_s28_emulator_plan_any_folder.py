"""A plan saved with `plan --emulator` in one folder of a project applies from any other
folder of it: --emulator keeps every system's state at the project's root
(connection.emulator_state_folder), and the plan is bound to that state, not to the
folder it was made from. Before, the binding named `.j1sync/` under the current folder,
so `apply --plan` from the project's root refused a plan made in its `ci/` folder as
"another target" although both runs used the same emulator state. Another project's
state is still another target."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]


def _project(folder: Path) -> Path:
    (folder / ".git").mkdir(parents=True)  # the project's root: a git work tree's
    shutil.copytree(ROOT / "examples" / "manifests", folder / "manifests")
    (folder / "ci").mkdir()
    return folder


def test_an_emulator_plan_made_in_a_subfolder_applies_from_the_root(tmp_path: Path) -> None:
    project = _project(tmp_path / "project")
    made = j1sync_here(
        ["plan", "../manifests", "--emulator", "--out", "../po.json"], {}, project / "ci"
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert (project / ".j1sync").is_dir() and not (project / "ci" / ".j1sync").exists()

    applied = j1sync_here(
        ["apply", "--plan", "po.json", "--emulator", "--auto-approve"], {}, project
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.splitlines()[-1].startswith("Apply complete: "), applied.stdout


def test_an_emulator_plan_of_another_project_is_still_another_target(tmp_path: Path) -> None:
    made_in = _project(tmp_path / "one")
    other = _project(tmp_path / "two")
    made = j1sync_here(
        ["plan", "manifests", "--emulator", "--out", str(tmp_path / "po.json")], {}, made_in
    )
    assert made.returncode == 0, made.stdout + made.stderr

    refused = j1sync_here(
        ["apply", "--plan", str(tmp_path / "po.json"), "--emulator", "--auto-approve"], {}, other
    )
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "another target" in refused.stderr and str(made_in / ".j1sync") in refused.stderr
