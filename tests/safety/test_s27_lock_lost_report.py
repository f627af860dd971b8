"""An apply whose lock is taken over while it runs ends like every other failed apply: a
line per change, then the closing line (`Apply failed: N created, ..., M not started.`),
then the error on stderr, exit 1. The reason (who holds the lock now, since when) is said
once, in that error; each change the lost lock kept from starting says so briefly. Before,
stdout had no closing line, each of the ~130 skipped lines repeated the holder's whole
sentence, and the error read "expires ... unless renewed while this apply held it", as if
the renewal had happened."""

from __future__ import annotations

import re
import time
from pathlib import Path

from j1sync.engine.lock import LOCK_NAME, TTL_S, LockRecord
from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import jupiterone_env, wait_until
from tests.reliability.processes import start_j1sync

API_KEY = "s27-lost-Key-0b7d3e"
ACCOUNT = "s27-lost-account"
QUESTIONS = 150
OTHER = "GitHub Actions run 2727 of acme/other"
CLOSING = re.compile(
    r"Apply failed: (\d+) created, 0 updated, 0 deleted, 0 failed, (\d+) not started\."
)


def test_a_lost_lock_ends_with_the_closing_line_and_says_why_once(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    write_questions(manifests, [f"s27-lost-{i:03d}" for i in range(QUESTIONS)])
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT, latency_ms=400) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        args = ["apply", str(manifests), "--auto-approve", "--concurrency", "1"]
        apply = start_j1sync(args, env, tmp_path)
        wait_until(lambda: bool(emu.snapshot().get("questions")), apply, "a change made")
        (lock,) = [p for p in emu.store.objects("parameters") if p["name"] == LOCK_NAME]
        now = time.time()
        taken = LockRecord("s27-other-token", OTHER, now, now + TTL_S).to_text()
        emu.store.replace("parameters", {**lock, "value": taken})  # another apply took it
        stdout, stderr = apply.communicate(timeout=180)

    assert apply.returncode == 1, stdout + stderr
    lines = stdout.splitlines()
    closing = CLOSING.fullmatch(lines[-1])
    assert closing is not None, stdout
    created = [line for line in lines if line.startswith("created ")]
    skipped = [line for line in lines if line.startswith("skipped ")]
    assert int(closing.group(1)) == len(created) and int(closing.group(2)) == len(skipped)
    assert len(created) + len(skipped) == QUESTIONS and len(skipped) > 20, stdout
    for line in skipped:
        assert line.endswith(": not started: the apply lock was lost (see below)"), line
    # the reason, once: the error after the report
    assert (stdout + stderr).count(OTHER) == 1, stdout + stderr
    error = stderr.strip().splitlines()[-1]
    assert error.startswith(
        f"Error: account {ACCOUNT}: while this apply held it, the lock was taken over by "
        f"{OTHER}, since "
    ), stderr
    assert "unless renewed while" not in stderr
    assert "another apply may have changed the account" in error and "j1sync plan" in error
    assert "Traceback" not in stderr
