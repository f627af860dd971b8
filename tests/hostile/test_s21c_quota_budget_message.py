"""Many changes at once against a small server quota, with a short retry budget: the
changes that would wait for the quota beyond their budget fail before they are sent, and
each says why in numbers that add up. Before, a create that had spent its budget in the
quota's line behind the run's other requests said it 'would wait 0 s for the account's API
quota, beyond the 1 s retry budget': a wait shorter than the budget, read as beyond it.
No request goes beyond the quota (no 429), and the next apply, with the default budget,
finishes the job without a duplicate."""

from __future__ import annotations

import re
from pathlib import Path

from tests.hostile.manifests import write_questions
from tests.reliability.account import duplicates
from tests.reliability.processes import run_j1sync, served_emulator

API_KEY = "s21c-quota-Key-4b1e07"
ACCOUNT = "s21c-quota-account"
QUESTIONS = 60
BUDGET_S = 1.0
WOULD_WAIT = re.compile(
    r"would wait ([\d.]+) s(?: more, after ([\d.]+) s spent waiting,)? for the account's API "
    r"quota \(RateLimit-\w+\), beyond the 1 s retry budget"
)


def test_a_change_failing_on_its_quota_wait_says_what_it_spent(tmp_path: Path) -> None:
    manifests = tmp_path / "manifests"
    write_questions(manifests, [f"s21c-quota-{i:02d}" for i in range(QUESTIONS)])
    with served_emulator(tmp_path, {}, API_KEY, ACCOUNT, "--quotas", "20/5,20/5") as emu:
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
        }
        args = ["apply", str(manifests), "--auto-approve", "--concurrency", "32"]
        done = run_j1sync([*args, "--retry-budget", f"{BUDGET_S:g}"], env, tmp_path)
        output = done.stdout + done.stderr
        assert done.returncode == 1, output
        failed = [line for line in done.stdout.splitlines() if line.startswith("failed")]
        assert failed, output
        for line in failed:
            said = WOULD_WAIT.search(line)
            assert said is not None, line
            wait, spent = float(said.group(1)), float(said.group(2) or 0)
            # rounded as printed: the wait and what was spent go beyond the budget
            assert wait + spent + 0.1 > BUDGET_S, line

        again = run_j1sync(args, env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        snapshot = emu.snapshot()
        assert duplicates(snapshot) == {}
        assert len(snapshot["questions"]) == QUESTIONS
    assert ", 0 answered 429" in emu.log.read_text(encoding="utf-8")
