"""Files j1sync cannot use are a one-line error naming the file (exit 1), never a
traceback: the emulator's database (corrupt, a folder, locked by another process), a seed
file or --db path for `emulator serve`, an export folder that cannot be written, a port
already in use. Each runs the `j1sync` process, as a user's shell or CI would."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.reliability.processes import run_j1sync

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())
STATE = Path(".j1sync") / "emulator.db"


def _fails_in_one_line(args: list[str], cwd: Path, *names: str) -> str:
    done = run_j1sync(args, {}, cwd, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    for name in names:
        assert name in errors[0], done.stderr
    return errors[0]


# -- the emulator's database ------------------------------------------------------------

EMULATOR_COMMANDS = [
    ["plan", EXAMPLES, "--emulator"],
    ["apply", EXAMPLES, "--emulator", "--auto-approve"],
    ["export", "--emulator", "--out", "exported"],
    ["emulator", "serve", "--port", "0"],
]
IDS = ["plan", "apply", "export", "serve"]


@pytest.mark.parametrize("args", EMULATOR_COMMANDS, ids=IDS)
def test_a_corrupt_emulator_database_is_named_with_the_way_out(
    tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / ".j1sync").mkdir()
    (tmp_path / STATE).write_bytes(b"this is not SQLite\n" * 200)
    line = _fails_in_one_line(args, tmp_path, str(STATE), "not a j1sync emulator database")
    assert "j1sync emulator reset" in line
    assert run_j1sync(["emulator", "reset"], {}, tmp_path).returncode == 0
    assert not (tmp_path / STATE).exists()


@pytest.mark.parametrize("args", EMULATOR_COMMANDS, ids=IDS)
def test_an_emulator_database_that_is_a_folder_is_named(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / STATE).mkdir(parents=True)
    _fails_in_one_line(args, tmp_path, str(STATE), "is a folder")


def test_emulator_reset_does_not_delete_a_folder(tmp_path: Path) -> None:
    (tmp_path / STATE).mkdir(parents=True)
    (tmp_path / STATE / "keep.txt").write_text("mine", encoding="utf-8")
    _fails_in_one_line(["emulator", "reset"], tmp_path, str(STATE), "is a folder")
    assert (tmp_path / STATE / "keep.txt").exists()


@pytest.fixture
def locked_state(tmp_path: Path) -> Iterator[None]:
    """The emulator's database, held in an exclusive transaction by another connection
    (as another process's writer would hold it)."""
    (tmp_path / ".j1sync").mkdir()
    holder = sqlite3.connect(tmp_path / STATE, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.close()


def test_a_locked_emulator_database_is_named(tmp_path: Path, locked_state: None) -> None:
    _fails_in_one_line(["plan", EXAMPLES, "--emulator"], tmp_path, str(STATE), "locked")


# -- emulator serve: --seed, --db, --port, --host --------------------------------------

BAD_SEEDS = {
    "missing.yaml": None,
    "broken.yaml": "rules: [1\n",
    "broken.json": '{"rules": ',
    "binary.yaml": b"\xff\xfe\x00rules",
    "list.yaml": "- rules\n",
    "unknown.yaml": "boards: []\n",
    "rule-without-name.yaml": "rules: [{}]\n",
    "rules-not-a-list.yaml": "rules: 5\n",
}


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_a_bad_seed_file_is_named_and_leaves_no_database(tmp_path: Path, name: str) -> None:
    content = BAD_SEEDS[name]
    if isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    elif content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    args = ["emulator", "serve", "--port", "0", "--db", "state.db", "--seed", name]
    _fails_in_one_line(args, tmp_path, "cannot start the emulator", "seed")
    assert not (tmp_path / "state.db").exists()


def test_a_seed_that_is_a_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    args = ["emulator", "serve", "--port", "0", "--db", "state.db", "--seed", "seeds"]
    _fails_in_one_line(args, tmp_path, "seed file seeds")


def test_a_db_path_under_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    args = ["emulator", "serve", "--port", "0", "--db", "afile/state.db"]
    _fails_in_one_line(args, tmp_path, "cannot start the emulator", "afile")


def test_a_port_in_use_is_named(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["emulator", "serve", "--port", str(port), "--db", "state.db", "--seed", "none"]
        _fails_in_one_line(args, tmp_path, f"127.0.0.1:{port} is already in use")


def test_a_remote_host_is_refused_without_allow_remote(tmp_path: Path) -> None:
    args = ["emulator", "serve", "--host", "0.0.0.0", "--port", "0", "--db", "state.db"]
    _fails_in_one_line(args, tmp_path, "non-loopback host 0.0.0.0", "--allow-remote")


# -- export --out ----------------------------------------------------------------------


def test_export_to_a_folder_under_a_file_fails_before_reading(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    line = _fails_in_one_line(
        ["export", "--emulator", "--out", "afile/manifests"], tmp_path, "afile/manifests"
    )
    assert "afile is not a folder" in line


def test_export_to_a_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    # /proc refuses new folders even to root, who may write anywhere else.
    _fails_in_one_line(["export", "--emulator", "--out", "/proc/j1sync-export"], tmp_path, "/proc")


def test_export_to_an_existing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "manifests").write_text("", encoding="utf-8")
    _fails_in_one_line(["export", "--emulator", "--out", "manifests"], tmp_path, "manifests")
