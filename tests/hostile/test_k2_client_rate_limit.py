"""The client-side rate limit (--rate-limit 1/30: one request every 30 s) spaces the
reads minutes apart. Each such wait is said on stderr, and Ctrl-C ends the run at once.
Before, the waits were silent, and Ctrl-C printed 'Interrupted.' but the process lived on
for ~200 s: the readers slept out their turns (time.sleep) before it could end."""

from __future__ import annotations

import re
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.hostile.running import StderrLines, interrupt
from tests.reliability.processes import served_emulator, start_j1sync

API_KEY = "k2-rate-limit-Key-0c4d"
ACCOUNT = "k2-rate-limit-account"
NOTICE = re.compile(
    r"^j1sync: waiting (\d+) s for the client-side rate limit \(--rate-limit 1/30\) "
    r"before J1Sync\w+$"
)


def test_a_long_client_side_rate_limit_wait_is_said_and_ctrl_c_ends_it(tmp_path: Path) -> None:
    with served_emulator(tmp_path, "demo", API_KEY, ACCOUNT) as emu:
        env = {
            "JUPITERONE_API_KEY": API_KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
        }
        args = ["plan", str(jupiterone_examples()), "--rate-limit", "1/30"]
        process = start_j1sync(args, env, tmp_path)
        stderr_lines = StderrLines(process)
        # start-up, the first request, the others waiting their turn
        stderr_lines.wait_for(lambda line: "client-side rate limit" in line, "a wait")
        assert process.poll() is None, stderr_lines.end()
        stdout, stderr, took = interrupt(process, stderr_lines=stderr_lines)
    assert process.returncode == 130, stdout + stderr
    assert took < 15, took  # not the ~200 s the queued turns add up to
    notices = [line for line in stderr.splitlines() if "client-side rate limit" in line]
    assert notices, stderr
    for line in notices:
        found = NOTICE.match(line)
        assert found is not None, line
        assert int(found.group(1)) >= 5
    assert "rate limit" not in stdout
    for leak in ("Traceback", "internal error", API_KEY):
        assert leak not in stdout + stderr
