"""The objects a fresh emulator holds, state kept in a SQLite file across restarts, one
process per file, and the `serve()` entry the CLI runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from j1sync.emulator.store import DatabaseInUse
from j1sync.providers.xyops.emulator import DEFAULT_API_KEY, XyOpsEmulator, running_xyops_emulator
from tests.xyops.emulator.conftest import Api

# The built-in objects the docs print as examples (api-v1.0.88.md, data structures).
BUILT_IN = {
    "tags": ["important"],
    "categories": ["general"],
    "groups": ["main"],
    "web_hooks": ["example_hook"],
    "channels": ["sev1"],
    "roles": ["all"],
    "monitors": ["load_avg", "cpu_usage"],
    "alerts": ["load_avg_high"],
    "events": [],
    "plugins": ["shellplug", "testplug"],
}


def test_fresh_seed_holds_the_documented_built_ins(emu: XyOpsEmulator, api: Api) -> None:
    snapshot = emu.snapshot()
    assert {name: [row["id"] for row in rows] for name, rows in snapshot.items()} == BUILT_IN
    for rows in snapshot.values():
        assert all(row["username"] == "admin" for row in rows)
    # each as the docs print it, e.g. the Category example
    general = api.get("get_category", {"id": "general"}).json()["category"]
    assert general == {
        "id": "general",
        "title": "General",
        "enabled": True,
        "sort_order": 0,
        "username": "admin",
        "modified": 1754365754,
        "created": 1754365754,
        "notes": "For events that don't fit anywhere else.",
        "color": "plain",
        "icon": "",
        "limits": [],
        "actions": [],
        "revision": 1,
    }


def test_reset_returns_to_a_fresh_server(emu: XyOpsEmulator, api: Api) -> None:
    fresh = emu.snapshot()
    api.ok("create_tag", {"id": "extra", "title": "Extra"})
    api.ok("update_category", {"id": "general", "title": "Changed"})
    api.ok("create_bucket", {"id": "lock", "title": "Lock"})
    emu.reset()
    assert emu.snapshot() == fresh
    assert api.get("get_buckets").json()["rows"] == []
    api.ok("get_tags")  # the key still works
    emu.reset("none")
    assert all(rows == [] for rows in emu.snapshot().values())


def test_seed_none_starts_empty() -> None:
    with running_xyops_emulator(seed="none") as emu:
        assert all(rows == [] for rows in emu.snapshot().values())
        Api(emu).ok("get_tags")  # the key still works


def test_unknown_seed() -> None:
    with pytest.raises(ValueError, match="unknown xyOps emulator seed 'demo'"):
        XyOpsEmulator(seed="demo")


def test_state_survives_a_restart_and_is_seeded_once(tmp_path: Path) -> None:
    db = str(tmp_path / "state" / "xyops.db")
    with running_xyops_emulator(db=db) as emu:
        Api(emu).ok("create_tag", {"id": "kept", "title": "Kept"})
        first = emu.snapshot()
    with running_xyops_emulator(db=db) as emu:
        assert emu.snapshot() == first  # not seeded again: no duplicate built-ins
        assert [row["id"] for row in emu.snapshot()["tags"]] == ["important", "kept"]


def test_one_process_per_database(tmp_path: Path) -> None:
    db = str(tmp_path / "xyops.db")
    with running_xyops_emulator(db=db), pytest.raises(DatabaseInUse):
        XyOpsEmulator(db=db)


def test_serve_runs_until_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "served.db"
    code = (
        "from j1sync.providers.xyops.emulator import serve\n"
        f"serve(port=0, db={str(db)!r}, echo=lambda line: print(line, flush=True))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("xyOps emulator listening on http://127.0.0.1:"), first
        url = first.split(" on ", 1)[1].split(" ", 1)[0]
        assert process.stdout.readline().strip() == f"Default API key: {DEFAULT_API_KEY}"
        response = requests.get(
            f"{url}/api/app/get_tags/v1", headers={"X-API-Key": DEFAULT_API_KEY}, timeout=10
        )
        assert response.json()["code"] == 0
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "xyOps emulator stopped. 1 requests" in out
    assert db.exists()


def test_serve_reports_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with running_xyops_emulator() as emu:
        port = int(emu.url.rsplit(":", 1)[1])
        code = (
            "from j1sync.providers.xyops.emulator import serve\n"
            "from j1sync.errors import ConfigError\n"
            "try:\n"
            f"    serve(port={port}, db={str(tmp_path / 'x.db')!r})\n"
            "except ConfigError as exc:\n"
            "    print(exc)\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
        )
    assert result.stdout.startswith(
        f"cannot start the xyOps emulator: 127.0.0.1:{port} is already in use"
    )
    assert "Traceback" not in result.stderr
