"""`apply --plan FILE` with FILE unreadable is one line, exit 1, as README says ("A
malformed, truncated or unreadable plan file ... is a one-line error") and as a missing
file already was: `Error: cannot read the plan p.json: Permission denied`. Before, a file
without read permission got click's usage text ("Invalid value for '--plan': Path
'p.json' is not readable."), and one in a folder that cannot be searched
`Error: Permission denied: sec/p.json`. Run as a user without the permission (root reads
every file: the j1sync process is then started as nobody)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.processes import J1SYNC

NOBODY = 65534


@pytest.fixture
def folder() -> Iterator[Path]:
    """A folder every user may enter (pytest's tmp_path is its owner's alone)."""
    made = Path(tempfile.mkdtemp(prefix="j1sync-s27-plan-"))
    made.chmod(0o755)
    try:
        yield made
    finally:
        for path in (made, *made.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(made)


def _apply_as_one_without_permission(plan: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    as_user = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    return subprocess.run(
        [
            *(as_user if os.geteuid() == 0 else []),
            *J1SYNC,
            "apply",
            "--plan",
            plan,
            "--auto-approve",
        ],
        env={**env, "NO_COLOR": "1", "JUPITERONE_API_KEY": "s27-plan-Key-1a2b3c"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("where", ["p.json", "sec/p.json"], ids=["file", "folder"])
def test_an_unreadable_plan_file_is_a_one_line_error(folder: Path, where: str) -> None:
    plan = folder / where
    plan.parent.mkdir(exist_ok=True)
    plan.write_text("{}", encoding="utf-8")
    plan.chmod(0o000)
    if plan.parent != folder:
        plan.parent.chmod(0o000)  # nor can the folder be searched

    done = _apply_as_one_without_permission(where, folder)

    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr == f"Error: cannot read the plan {where}: Permission denied\n"
    assert done.stdout == ""
