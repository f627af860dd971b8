"""`j1sync apply` killed with SIGKILL in the middle of its changes: the next apply finishes
the job, and nothing is duplicated or touched that should not be."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.reliability.account import (
    ACCOUNT,
    API_KEY,
    build_account,
    connection_env,
    duplicates,
    unmanaged_bytes,
)
from tests.reliability.processes import ServedEmulator, served_emulator, start_j1sync


def _object_count(emu: ServedEmulator) -> int:
    return sum(len(objects) for objects in emu.snapshot().values())


def test_an_apply_killed_mid_run_is_finished_by_the_next_one(tmp_path: Path) -> None:
    account = build_account(tmp_path)
    # 40 ms a request makes the apply take seconds: long enough to kill it half-way.
    with served_emulator(tmp_path, account.seed, API_KEY, ACCOUNT, "--latency-ms", "40") as emu:
        env = connection_env(emu.url)
        before = unmanaged_bytes(emu.snapshot())
        seeded = _object_count(emu)
        manifests = str(account.manifests_dir)

        apply = start_j1sync(["apply", manifests, "--auto-approve"], env, tmp_path)
        deadline = time.monotonic() + 60
        while _object_count(emu) < seeded + 10 and time.monotonic() < deadline:
            assert apply.poll() is None, "apply finished before it could be killed"
            time.sleep(0.02)
        apply.send_signal(signal.SIGKILL)
        apply.communicate(timeout=10)
        assert apply.returncode == -signal.SIGKILL
        half_done = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        # some changes are still to make (exit 2); they may now be too large a share of a
        # kind's managed objects, which grew with the creates already made (exit 3: the
        # safety gate asks for --force)
        assert half_done.returncode in (2, 3), half_done.stdout + half_done.stderr
        assert duplicates(emu.snapshot()) == {}

        again = j1sync_here(["apply", manifests, "--auto-approve", "--force"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        plan = j1sync_here(["plan", manifests, "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr
        snapshot = emu.snapshot()
        assert duplicates(snapshot) == {}
        assert unmanaged_bytes(snapshot) == before
