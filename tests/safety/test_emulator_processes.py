"""One emulator database, several j1sync processes: each emulator process caches the
file, so two of them at once would each miss the other's writes (the demo seeded twice,
an apply lock both believe they hold). `--emulator` commands take turns (the second says
it waits); a second `emulator serve` and `emulator reset` of a served file refuse."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "manifests"
J1SYNC = [sys.executable, "-m", "j1sync"]
NAMED = ("rules", "questions", "iamGroups", "integrationInstances")


def _env() -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    return {**keep, "NO_COLOR": "1"}


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*J1SYNC, *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _names(db: Path) -> Counter[tuple[str, str]]:
    """(collection, name) of every named object: rules, questions, groups, instances."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT collection, body FROM objects").fetchall()
    named: Counter[tuple[str, str]] = Counter()
    for collection, body in rows:
        obj = json.loads(body)
        name = obj.get("name") or obj.get("title")
        if collection in NAMED and name:
            named[(str(collection), str(name))] += 1
    return named


def test_two_emulator_applies_at_once_take_turns_on_a_fresh_database(tmp_path: Path) -> None:
    args = ("apply", str(EXAMPLES), "--emulator", "--auto-approve")
    first, second = _start(tmp_path, *args), _start(tmp_path, *args)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    stderr = outputs[0][1] + outputs[1][1]
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert "is in use by another j1sync process" in stderr  # one of them waited, saying so
    assert sum("No changes" in out for out, _ in outputs) == 1
    twice = {key: n for key, n in _names(tmp_path / ".j1sync" / "emulator.db").items() if n > 1}
    assert twice == {}
    plan = subprocess.run(
        [*J1SYNC, "plan", str(EXAMPLES), "--emulator", "--detailed-exitcode"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plan.returncode == 0, plan.stdout + plan.stderr


def test_a_served_database_is_not_served_twice_nor_reset(tmp_path: Path) -> None:
    serving = _start(tmp_path, "emulator", "serve", "--port", "0")
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / ".j1sync" / "emulator.db.lock").exists():
            assert serving.poll() is None, serving.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        again = subprocess.run(
            [*J1SYNC, "emulator", "serve", "--port", "0"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert again.returncode == 1
        assert f"in use by another j1sync process (pid {serving.pid})" in again.stderr
        reset = subprocess.run(
            [*J1SYNC, "emulator", "reset"],
            cwd=tmp_path,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert reset.returncode == 1
        assert "in use" in reset.stderr
        assert (tmp_path / ".j1sync" / "emulator.db").exists()
    finally:
        serving.terminate()
        serving.communicate(timeout=30)
