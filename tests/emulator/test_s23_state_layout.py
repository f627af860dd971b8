"""An emulator database written by a j1sync whose emulator kept its objects another way
(its `layout`) is refused with a line saying how to start over: the OpenCTI emulator's
groups changed how they keep their shareable markings (layout 2), and a database from
before read them as holding none, without a word."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from j1sync.emulator.store import LAYOUT_KEY, StateFileError
from j1sync.providers.opencti.emulator import OpenCtiEmulator
from tests.hostile.in_process import j1sync_here

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests" / "opencti"


def _project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "manifests")
    return tmp_path


def _set_layout(db: Path, layout: str | None) -> None:
    with sqlite3.connect(db) as connection:
        if layout is None:
            connection.execute("DELETE FROM meta WHERE key = ?", (LAYOUT_KEY,))
        else:
            connection.execute("UPDATE meta SET value = ? WHERE key = ?", (layout, LAYOUT_KEY))
    connection.close()


def test_an_older_layout_is_refused_naming_how_to_start_over(tmp_path: Path) -> None:
    project = _project(tmp_path)
    planned = j1sync_here(["plan", "manifests", "--emulator"], {}, project)
    assert planned.returncode == 0, planned.stderr
    db = project / ".j1sync" / "opencti-emulator.db"
    assert db.is_file()
    _set_layout(db, None)  # as a j1sync before layouts were recorded wrote it

    again = j1sync_here(["plan", "manifests", "--emulator"], {}, project)
    assert again.returncode == 1
    assert "was written by an older version of j1sync" in again.stderr
    assert "j1sync emulator reset --db .j1sync/opencti-emulator.db" in again.stderr
    assert "Traceback" not in again.stderr

    reset = j1sync_here(["emulator", "reset", "--db", ".j1sync/opencti-emulator.db"], {}, project)
    assert reset.returncode == 0, reset.stderr
    fresh = j1sync_here(["plan", "manifests", "--emulator"], {}, project)
    assert fresh.returncode == 0, fresh.stderr


def test_the_layout_is_kept_and_a_restart_passes(tmp_path: Path) -> None:
    db = tmp_path / "opencti.db"
    with OpenCtiEmulator(db=str(db)):
        pass
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = ?", (LAYOUT_KEY,)).fetchone()
    connection.close()
    assert row == (str(OpenCtiEmulator.layout),)
    with OpenCtiEmulator(db=str(db)):
        pass  # the same layout: started again without a word
    _set_layout(db, "99")
    newer = pytest.raises(StateFileError, match="was written by another version of j1sync")
    with newer, OpenCtiEmulator(db=str(db)):
        pass
