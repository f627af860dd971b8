"""`j1sync emulator serve --db FILE` on a database whose stored objects were edited by hand
(a body that is no JSON, or JSON that is no object): the emulator started, and every read
of that collection then failed in JSON's words as an error of the API (plan: "JupiterOne
API (rules): Expecting property name enclosed in double quotes: line 1 column 2").
Starting on such a database is now one line naming the collection and the object and the
way out (`j1sync emulator reset --db`), exit 1, for every system's emulator."""

from __future__ import annotations

import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync, start_j1sync

SYSTEMS = ["jupiterone", "xyops", "opencti"]


def _serve_args(system: str) -> list[str]:
    return ["emulator", "serve", "--system", system, "--port", "0", "--db", "state.db"]


def _served_once(system: str, cwd: Path) -> None:
    process = start_j1sync(_serve_args(system), {}, cwd)
    try:
        assert process.stdout is not None
        assert "listening on" in process.stdout.readline()
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


@pytest.mark.parametrize("body", ["{broken", "[1, 2]", "null"], ids=["not-json", "list", "null"])
@pytest.mark.parametrize("system", SYSTEMS)
def test_an_object_edited_into_no_json_object_is_named_at_start(
    tmp_path: Path, system: str, body: str
) -> None:
    _served_once(system, tmp_path)
    with closing(sqlite3.connect(tmp_path / "state.db")) as db:
        collection, object_id = db.execute(
            "SELECT collection, id FROM objects ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        db.execute("UPDATE objects SET body = ? WHERE id = ?", (body, object_id))
        db.commit()
    done = run_j1sync(_serve_args(system), {}, tmp_path, timeout=30)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "listening on" not in done.stdout and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"Error: emulator database state.db: its {collection} object {object_id} is not a "
        "JSON object (edited by hand?); `j1sync emulator reset --db state.db` deletes the "
        "database and starts over"
    ]
    assert run_j1sync(["emulator", "reset", "--db", "state.db"], {}, tmp_path).returncode == 0
    _served_once(system, tmp_path)  # a fresh start
