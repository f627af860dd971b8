"""Ctrl-C while apply's changes wait in line for JupiterOne's API quota: once the grace
for changes in flight is over, those still waiting are not sent (each says so: nothing of
it happened), so no request goes beyond the quota. Before, their wait was cut short and
they were sent anyway, beyond the quota the RateLimit-* headers had told: each answered
429 (not retried, retries given up) and was reported as a failure of the API, and the
lock's release, sent the same way, met a 429 too. The next apply finishes the job without
a duplicate."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from j1sync.providers.jupiterone.emulator.quotas import Quotas
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import write_questions
from tests.hostile.running import StderrLines, interrupt, jupiterone_env
from tests.reliability.account import duplicates
from tests.reliability.processes import start_j1sync

API_KEY = "s21c-line-Key-7a90c3"
ACCOUNT = "s21c-line-account"
QUESTIONS = 10


def test_changes_waiting_for_the_quota_when_apply_stops_are_not_sent(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    write_questions(manifests, [f"s21c-line-{i:02d}" for i in range(QUESTIONS)])
    # 8 invocations per 40 s: the plan's reads and a few creates, then every create waits
    quotas = Quotas.parse("8/40,8/40")
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT, quotas=quotas) as emu:
        env = jupiterone_env(emu.url, API_KEY, ACCOUNT)
        args = ["apply", str(manifests), "--auto-approve", "--concurrency", "4"]
        apply = start_j1sync(args, env, tmp_path)
        lines = StderrLines(apply)
        lines.wait_for(
            lambda line: "for JupiterOne's API quota" in line and "J1SyncCreateQuestion" in line,
            "a create waiting for the quota",
        )
        stdout, stderr, _ = interrupt(apply, stderr_lines=lines)

        assert apply.returncode == 130, stdout + stderr
        assert "Traceback" not in stderr and "internal error" not in stderr
        assert "429" not in stdout + stderr, stdout + stderr
        assert emu.stats.statuses[429] == 0
        failed = [line for line in stdout.splitlines() if line.startswith("failed")]
        assert all("not sent: the run was stopped while it waited" in f for f in failed), stdout

        emu.switches.quotas = None  # the quota refilled: the next apply goes at once
        again = j1sync_here(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        snapshot = emu.snapshot()
        assert duplicates(snapshot) == {}
        assert len(snapshot["questions"]) == QUESTIONS
