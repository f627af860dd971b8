"""Which files a run reads, through `j1sync validate`: symbolic links are followed (a loop
is reported, never a hang), and what is passed over that looks like a manifest, or a link
that cannot be followed, is a warning on stderr instead of silence."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.manifest.discovery import is_lookalike_name
from tests.reliability.processes import run_j1sync

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: {name}
spec:
  description: d
"""


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *args])


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name",
    ["rule.YAML", "rule.Yml", "rule.yml.bak", "rule.yaml.orig", "rule.yaml~", "rule.json"],
)
def test_names_that_look_like_manifests_are_lookalikes(name: str) -> None:
    assert is_lookalike_name(name)


@pytest.mark.parametrize(
    "name", ["rule.yaml", "rule.yml", "README.md", "notes.txt", "j1sync.yaml", "Makefile"]
)
def test_manifests_and_unrelated_files_are_not_lookalikes(name: str) -> None:
    assert not is_lookalike_name(name)


def test_skipped_lookalikes_are_warnings_naming_each_file(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", GROUP.format(name="a"))
    for name in ("b.YAML", "c.yml.bak", "d.json"):
        write(tmp_path / "sub" / name, GROUP.format(name=name))
    write(tmp_path / "README.md", "# not a manifest\n")
    result = validate(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 manifest valid: 1 IamGroup"
    warned = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert [line.split("warning: ")[1].split(":")[0] for line in warned] == [
        str(tmp_path / "sub" / name) for name in ("b.YAML", "c.yml.bak", "d.json")
    ]
    assert all("only files ending in .yaml or .yml are read" in line for line in warned)
    assert "README.md" not in result.stderr


def test_a_symlinked_folder_and_file_are_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "linked-folder" / "g.yaml", GROUP.format(name="in-linked-folder"))
    single = write(outside / "single.yaml", GROUP.format(name="linked-file"))
    root = tmp_path / "manifests"
    write(root / "own.yaml", GROUP.format(name="own"))
    (root / "shared").symlink_to(outside / "linked-folder", target_is_directory=True)
    (root / "one.yaml").symlink_to(single)
    result = validate(str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "3 manifests valid: 3 IamGroup"
    assert "warning" not in result.stderr


def test_two_links_to_one_folder_read_it_once(tmp_path: Path) -> None:
    write(tmp_path / "real" / "g.yaml", GROUP.format(name="once"))
    root = tmp_path / "manifests"
    root.mkdir()
    (root / "a").symlink_to(tmp_path / "real", target_is_directory=True)
    (root / "b").symlink_to(tmp_path / "real", target_is_directory=True)
    result = validate(str(root))
    assert result.exit_code == 0, result.output  # no "duplicate IamGroup/once"
    assert result.stdout.strip() == "1 manifest valid: 1 IamGroup"


def test_a_file_named_by_two_paths_is_read_once(tmp_path: Path) -> None:
    """Overlapping paths, a link to a file another path reads, and a folder reached
    through a linked parent: each file is read once, under the first path that names it."""
    root = tmp_path / "manifests"
    write(root / "a.yaml", GROUP.format(name="a"))
    write(root / "sub" / "b.yaml", GROUP.format(name="b"))
    (root / "sub" / "link-to-a.yaml").symlink_to(root / "a.yaml")
    (tmp_path / "alias").symlink_to(root, target_is_directory=True)
    result = validate(str(root / "sub"), str(tmp_path / "alias"), str(root), str(root / "a.yaml"))
    assert result.exit_code == 0, result.output  # no "duplicate IamGroup/a"
    assert result.stdout.strip() == "2 manifests valid: 2 IamGroup"


def test_a_symlink_loop_is_reported_and_does_not_hang(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    write(root / "deep" / "g.yaml", GROUP.format(name="g"))
    (root / "deep" / "back-to-root").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(".", target_is_directory=True)
    result = run_j1sync(["validate", str(root)], env={}, cwd=tmp_path, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 manifest valid: 1 IamGroup"
    loops = [line for line in result.stderr.splitlines() if "symbolic link loop" in line]
    assert len(loops) == 2
    assert any(str(root / "deep" / "back-to-root") in line for line in loops)
    assert "Traceback" not in result.stderr


def test_dangling_links_and_link_chains_that_loop_are_errors(tmp_path: Path) -> None:
    # passed over, what they hold would count as deleted (a plan over the whole project
    # deleted the managed objects of a linked folder whose target had moved)
    root = tmp_path / "manifests"
    write(root / "g.yaml", GROUP.format(name="g"))
    (root / "gone.yaml").symlink_to(tmp_path / "deleted.yaml")
    (root / "shared").symlink_to(tmp_path / "moved-away", target_is_directory=True)
    (root / "ping.yaml").symlink_to(root / "pong.yaml")
    (root / "pong.yaml").symlink_to(root / "ping.yaml")
    result = validate(str(root))
    assert result.exit_code == 1, result.output
    assert "manifest valid" not in result.stdout
    missing = f"symbolic link to {tmp_path / 'deleted.yaml'} cannot be followed: its target"
    assert f"{root / 'gone.yaml'}: {missing}" in result.stderr
    assert f"{root / 'shared'}: symbolic link to {tmp_path / 'moved-away'}" in result.stderr
    for name in ("ping.yaml", "pong.yaml"):
        assert f"{root / name}: symbolic link to" in result.stderr
    assert result.stderr.count("cannot be followed: the links loop") == 2
    assert "would count as deleted" in result.stderr
    assert "4 manifest errors" in result.stderr


def test_an_unreadable_folder_is_an_error(tmp_path: Path) -> None:
    # root reads every folder: the run is made as nobody (setpriv, util-linux)
    base = Path(tempfile.mkdtemp(prefix="j1sync-unreadable-"))
    try:
        base.chmod(0o755)
        root = base / "manifests"
        write(root / "g.yaml", GROUP.format(name="g"))
        locked = root / "locked"
        write(locked / "h.yaml", GROUP.format(name="h"))
        for folder in (root, locked):
            folder.chmod(0o755)
        (root / "g.yaml").chmod(0o644)
        locked.chmod(0)
        command = [sys.executable, "-m", "j1sync", "validate", str(root)]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        result = subprocess.run(
            command, cwd=base, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        for folder in (base / "manifests" / "locked",):
            folder.chmod(0o755)
        shutil.rmtree(base)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{locked}: cannot read this folder (Permission denied)" in result.stderr
    assert "1 manifest error" in result.stderr


def test_hidden_folders_and_the_project_file_are_passed_over_in_silence(tmp_path: Path) -> None:
    write(tmp_path / "g.yaml", GROUP.format(name="g"))
    write(tmp_path / ".git" / "config.json", "{}")
    write(tmp_path / ".github" / "workflows" / "ci.YAML", "on: push\n")
    write(tmp_path / "j1sync.yaml", "managedTag: ours\n")
    result = validate(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_dangling_link_given_as_the_path_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    result = validate(str(tmp_path / "gone"))
    assert result.exit_code == 1
    broken = f"symbolic link to {tmp_path / 'nowhere'} cannot be followed"
    assert f"{tmp_path / 'gone'}: {broken}: its target does not exist" in result.stderr


def test_a_link_to_itself_given_as_the_path_is_said_to_loop(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    result = validate(str(tmp_path / "loop"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'loop'}: symbolic link to" in result.stderr
    assert "cannot be followed: the links loop" in result.stderr
