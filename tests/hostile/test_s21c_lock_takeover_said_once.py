"""Taking over an expired apply lock is said once. Before, when reading the lock took
longer than half the store's settle time (a slow API, a first request on a cold server),
apply read it again before writing, and said 'taking over the apply lock of ...' a second
time for the same lock, as if two had been taken over."""

from __future__ import annotations

import time
from pathlib import Path

from j1sync.engine.lock import LOCK_NAME, LockRecord
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import write_questions
from tests.hostile.running import jupiterone_env

API_KEY = "s21c-takeover-Key-2d8a41"
ACCOUNT = "s21c-takeover-account"
SLOW_MS = 200  # each read of the lock takes longer than half the loopback settle time


def test_an_expired_lock_is_said_taken_over_once(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    write_questions(manifests, ["s21c-takeover"])
    now = time.time()
    expired = LockRecord("other-token", "GitHub Actions run 7", now - 300, now - 180)
    seed = {"parameters": [{"name": LOCK_NAME, "value": expired.to_text(), "secret": False}]}
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT, latency_ms=SLOW_MS) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        done = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    said = [line for line in done.stderr.splitlines() if "taking over the apply lock" in line]
    assert len(said) == 1, done.stderr
    assert "an apply whose lease expired (GitHub Actions run 7" in said[0]
