"""One lock's expiry reads alike in every message that names it. An apply waiting for a
lock said `expires ... (in 2 min 3 s)`, and the error when its wait ran out, moments
later, `expires ... (in 115 s)`: two formattings of one expiry, the unit changing at 120 s,
the length of every lease (engine/lock.py TTL_S). Now every lock message says durations
by one rule (seconds below ten minutes)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from j1sync.engine.lock import LOCK_NAME, LockRecord
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import write_questions
from tests.hostile.running import jupiterone_env

API_KEY = "s27-expiry-Key-4a8c21"
ACCOUNT = "s27-expiry-account"
WAIT_S = 8  # --lock-timeout: the expiry is below 120 s when it runs out
EXPIRES = re.compile(r"expires \S+Z \(in ([^)]*)\) unless renewed")


def test_the_wait_and_its_end_say_one_expiry_in_one_unit(tmp_path: Path) -> None:
    write_questions(tmp_path / "manifests", ["s27-expiry"])
    now = time.time()
    held = LockRecord("s27-token", "GitHub Actions run 2727", now, now + 125)
    seed = {"parameters": [{"name": LOCK_NAME, "value": held.to_text(), "secret": False}]}
    with running_emulator(seed=seed, api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        args = ["apply", "manifests", "--auto-approve", "--lock-timeout", str(WAIT_S)]
        done = j1sync_here(args, env, tmp_path)

    assert done.returncode == 1, done.stdout + done.stderr
    waiting = next(line for line in done.stderr.splitlines() if "waiting up to" in line)
    error = next(line for line in done.stderr.splitlines() if line.startswith("Error: "))
    assert "is locked by another apply after waiting" in error, done.stderr
    said = [EXPIRES.search(line) for line in (waiting, error)]
    assert all(said), done.stderr
    for found in said:
        assert found is not None and re.fullmatch(r"\d+ s", found.group(1)), done.stderr
