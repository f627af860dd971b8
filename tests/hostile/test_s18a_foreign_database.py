"""`j1sync emulator serve --db FILE` given a file that is not this emulator's database:

- another program's SQLite database (a mistyped --db): the emulator added its tables to it
  and seeded the demo account there, or (a table `objects` of its own) failed with "seed
  demo: OperationalError: table objects has no column named collection"; and `emulator
  reset --db` deleted it. Now serve and reset refuse it in one line, the file untouched.
- another system's emulator database (`--system opencti --db .j1sync/emulator.db`): the
  OpenCTI emulator ended in "internal error: KeyError: 'user_email'", the xyOps one served
  an empty server over JupiterOne's objects. Now each refuses it, naming whose it is."""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync, start_j1sync

SYSTEMS = ["jupiterone", "xyops", "opencti"]
TITLES = {"jupiterone": "JupiterOne", "xyops": "xyOps", "opencti": "OpenCTI"}


def _one_error_line(args: list[str], cwd: Path) -> str:
    done = run_j1sync(args, {}, cwd, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def _tables(path: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
        return [*found, *db.execute("SELECT * FROM customers").fetchall()]


@pytest.fixture
def app_db(tmp_path: Path) -> Path:
    """Another program's SQLite database."""
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
        db.execute("INSERT INTO customers VALUES (1, 'Ada')")
    db.close()
    return path


@pytest.mark.parametrize("system", SYSTEMS)
def test_serve_refuses_another_programs_database(tmp_path: Path, app_db: Path, system: str) -> None:
    before = _tables(app_db)
    args = ["emulator", "serve", "--system", system, "--port", "0", "--db", "app.db"]
    line = _one_error_line(args, tmp_path)
    assert "app.db is another program's SQLite database" in line
    assert "'customers'" in line and "--db of its own" in line
    assert _tables(app_db) == before
    assert not (tmp_path / "app.db.lock").exists()  # none left beside it (reset refuses it)


def test_serve_refuses_a_database_whose_objects_table_is_another_programs(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "other.db") as db:
        db.execute("CREATE TABLE objects (a TEXT)")
    db.close()
    args = ["emulator", "serve", "--port", "0", "--db", "other.db", "--seed", "demo"]
    line = _one_error_line(args, tmp_path)
    assert "other.db is another program's SQLite database (its table 'objects'" in line


def test_reset_does_not_delete_another_programs_database(tmp_path: Path, app_db: Path) -> None:
    line = _one_error_line(["emulator", "reset", "--db", "app.db"], tmp_path)
    assert "app.db is another program's SQLite database" in line and "not deleting" in line
    assert app_db.exists()


def _served_once(system: str, db: str, cwd: Path) -> None:
    """`emulator serve --system SYSTEM --db DB` until it listens, then stopped (SIGTERM)."""
    process = start_j1sync(
        ["emulator", "serve", "--system", system, "--port", "0", "--db", db], {}, cwd
    )
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


@pytest.mark.parametrize(
    ("owner", "other"),
    [("jupiterone", "opencti"), ("jupiterone", "xyops"), ("opencti", "jupiterone")],
)
def test_serve_refuses_another_systems_emulator_database(
    tmp_path: Path, owner: str, other: str
) -> None:
    _served_once(owner, "state.db", tmp_path)
    args = ["emulator", "serve", "--system", other, "--port", "0", "--db", "state.db"]
    line = _one_error_line(args, tmp_path)
    assert f"state.db holds the {TITLES[owner]} emulator's state, not {TITLES[other]}'s" in line
    _served_once(owner, "state.db", tmp_path)  # still its owner's, and served again


def test_serve_refuses_a_text_file_and_leaves_no_lock_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n", encoding="utf-8")
    line = _one_error_line(["emulator", "serve", "--port", "0", "--db", "notes.txt"], tmp_path)
    assert "notes.txt is not a database file" in line
    assert notes.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "notes.txt.lock").exists()


def test_reset_of_an_empty_db_path_says_it_is_empty(tmp_path: Path) -> None:
    line = _one_error_line(["emulator", "reset", "--db", ""], tmp_path)
    assert "--db is empty" in line  # not "." (Path("") is the current folder)
