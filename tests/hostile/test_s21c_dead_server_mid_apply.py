"""The API stops answering in the middle of an apply (a network gone dead, a server hung
behind a load balancer that still accepts connections): once one change got no answer for
good, no further change of that system starts; each is reported as not started, and the
next apply finishes the job without a duplicate. Before, every remaining change was sent
in turn and waited its own timeout, then its re-read the whole retry budget: 24 changes
at the defaults (30 s timeout, 600 s budget, 4 at once) held the job over an hour."""

from __future__ import annotations

import time
from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import jupiterone_env
from tests.reliability.account import duplicates
from tests.reliability.processes import run_j1sync

API_KEY = "s21c-dead-Key-61f0a2"
ACCOUNT = "s21c-dead-account"
QUESTIONS = 16
ANSWERED = 2  # creates answered before the server stops answering
CONCURRENCY = 2
HUNG_MS = 4_000  # longer than the client's timeout: no answer ever arrives in time


def test_no_change_starts_once_the_api_gave_no_answer_for_good(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    write_questions(manifests, [f"s21c-dead-{i:02d}" for i in range(QUESTIONS)])
    with running_emulator(seed=None, api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(
            emu.url,
            API_KEY,
            ACCOUNT,
            J1SYNC_TIMEOUT="1",
            J1SYNC_RETRY_BUDGET="2",
            J1SYNC_BACKOFF_INITIAL_S="0.05",
            J1SYNC_BACKOFF_MAX_S="0.1",
        )

        def hang() -> None:
            emu.switches.latency_ms = HUNG_MS

        def after(left: int) -> None:
            emu.switches.after_field(
                "createQuestion", hang if left <= 1 else lambda: after(left - 1)
            )

        after(ANSWERED)
        args = ["apply", str(manifests), "--auto-approve", "--concurrency", str(CONCURRENCY)]
        started = time.monotonic()
        done = run_j1sync(args, env, tmp_path)
        took = time.monotonic() - started
        sent = emu.stats.requests["createQuestion"]
        emu.switches.latency_ms = 0

        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output
        # the creates sent around the moment it stopped answering (a loaded machine may
        # answer a few more first), and none after them (before: all of them)
        assert sent <= ANSWERED + 3 * CONCURRENCY, f"{sent} creates sent: {done.stdout}"
        # sent, no answer, nor to re-reading them: made or not, no one can tell yet
        failed = [line for line in done.stdout.splitlines() if line.startswith("unknown")]
        assert failed and all("no answer in time: it may or may not" in x for x in failed)
        not_started = [line for line in done.stdout.splitlines() if "not started" in line]
        assert len(not_started) >= QUESTIONS - sent, done.stdout
        answerless = {line.split()[2].rstrip(":") for line in failed}
        for line in not_started:
            said = line.split("not started: the API gave no answer to ", 1)
            assert len(said) == 2 and said[1].split()[0] in answerless, line
            # no advice to run apply again: after `apply --plan` that is a new plan
            assert said[1].endswith(" (outcome unknown)"), line
        assert f"{len(not_started)} skipped" in done.stdout, done.stdout  # the closing line
        assert took < 40, f"{took:.1f} s"  # before: ~4 s a change, two at a time

        again = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert duplicates(emu.snapshot()) == {}
        assert len(emu.snapshot()["questions"]) == QUESTIONS
        plan = run_j1sync(["plan", str(manifests), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr
