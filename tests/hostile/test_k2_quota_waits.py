"""A tiny server quota (the JupiterOne emulator's --quotas, with RateLimit-* headers):
j1sync paces itself from the headers (waiting for the quota is not a retry), but

- a wait for the quota that would go beyond the retry budget (the user's limit on one
  request's waiting) fails at once, saying why and what to do: before, `plan
  --retry-budget 5` against a quota of 6 invocations a minute waited ~110 s, silently,
  and went on;
- a long wait within the budget is said on stderr, once per wait, with what the
  estimate comes from; stdout (the plan, which goes into pull requests) stays clean.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import time
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.hostile.manifests import QUESTION
from tests.reliability.processes import J1SYNC, run_j1sync, served_emulator

API_KEY = "k2-quota-Key-93ab"
ACCOUNT = "k2-quota-account"
EXAMPLES = str(jupiterone_examples())
WAITING = re.compile(
    r"^j1sync: waiting (\d+) s for JupiterOne's API quota \((RateLimit-[A-Za-z]+|Retry-After)\) "
    r"before J1Sync\w+$"
)


def _env(url: str) -> dict[str, str]:
    return {
        "JUPITERONE_API_KEY": API_KEY,
        "JUPITERONE_ACCOUNT_ID": ACCOUNT,
        "JUPITERONE_API_URL": url,
    }


def test_a_quota_wait_beyond_the_retry_budget_fails_at_once_saying_so(tmp_path: Path) -> None:
    # 6 invocations a minute: after the first requests, the next waits ~30 s or more.
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT, "--quotas", "6/60,6/60") as emu:
        started = time.monotonic()
        done = run_j1sync(["plan", EXAMPLES, "--retry-budget", "5"], _env(emu.url), tmp_path, 90)
        elapsed = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    said = re.fullmatch(
        r"Error: JupiterOne API quota: J1Sync\w+ \(\d+ invocations?\) would wait (\d+) s for "
        r"the account's API quota \(RateLimit-Limit\), beyond the 5 s retry budget; raise "
        r"the budget with --retry-budget SECONDS, or run again once the quota has refilled",
        errors[0],
    )
    assert said is not None, errors[0]
    assert int(said.group(1)) > 5
    assert elapsed < 30, elapsed  # not the ~110 s the quota asks for
    assert done.stdout == "", done.stdout
    for leak in ("Traceback", "internal error", API_KEY):
        assert leak not in output


def _own_environment() -> dict[str, str]:
    """This environment without the developer's JupiterOne or j1sync settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}


def _stderr_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """`j1sync ARGS` with stderr on a pseudo-terminal (its spinner shows) and stdout in a
    file: the exit code, what the terminal received (carriage returns as line ends,
    escape sequences left out) and stdout."""
    main, secondary = pty.openpty()
    stdout = cwd / "stdout.txt"
    with stdout.open("wb") as out:
        process = subprocess.Popen(
            [*J1SYNC, *args],
            env={**_own_environment(), **env, "TERM": "xterm", "COLUMNS": "300"},
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=secondary,
        )
    os.close(secondary)
    received = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        received += chunk
    code = process.wait(timeout=120)
    os.close(main)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", received.decode("utf-8", "replace"))
    shown = text.replace("\r\n", "\n").replace("\r", "\n")
    return code, shown, stdout.read_text(encoding="utf-8")


def test_a_long_quota_wait_within_the_budget_is_said_on_stderr_on_a_line_of_its_own(
    tmp_path: Path,
) -> None:
    """Each wait of 5 s or more is said once, on stderr; stdout (the plan) has none of it.
    On a terminal the reading spinner redraws its line: the notice was written past it
    and spliced onto it ('Reading the account ...j1sync: waiting 6 s ...')."""
    # One invocation every 6 s: the read of one Question's kinds needs two, and the
    # second waits 6 s for the first to drain; that first answer takes 300 ms, so the
    # spinner is up when the wait is said.
    (tmp_path / "question.yaml").write_text(QUESTION, encoding="utf-8")
    quota = ("--quotas", "1/6,1/6", "--latency-ms", "300")
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT, *quota) as emu:
        code, shown, stdout = _stderr_on_a_terminal(
            ["plan", "question.yaml", "--retry-budget", "120"],
            {**_env(emu.url), "NO_COLOR": "1"},
            tmp_path,
        )
    assert code == 0, shown + stdout
    notices = [line for line in shown.split("\n") if "API quota" in line]
    assert notices, f"no wait was said: {shown}"
    for line in notices:
        found = WAITING.match(line.strip())
        assert found is not None, line
        assert int(found.group(1)) >= 5
    assert "Plan:" in stdout, stdout
    assert "waiting" not in stdout and "quota" not in stdout
    assert "429" not in shown + stdout  # pacing, not retries
    for leak in ("Traceback", API_KEY):
        assert leak not in shown + stdout
