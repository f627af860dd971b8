"""`plan --format json` is written piece by piece as it is encoded (commands/reporting
.echo_plan). A reader that goes away mid-plan (`| head -c 100`) ends the run as any
unwritable standard output does (test_s16_unwritable_output): exit 1, one line naming
standard output, no traceback. Written whole, such a plan exited 0 with its output cut,
saying nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.manifests import write_questions
from tests.hostile.running import J1SYNC, jupiterone_env
from tests.reliability.processes import _clean_env

KEY, ACCOUNT = "k-s22-pipe", "acct-s22-pipe"


def test_a_reader_gone_mid_json_plan_is_named(tmp_path: Path) -> None:
    write_questions(tmp_path / "m", [f"q{i}" for i in range(400)])  # ~260 KB: 4x a pipe
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        env = {**_clean_env(), **jupiterone_env(emulator.url, KEY, ACCOUNT)}
        plan = subprocess.Popen(
            [*J1SYNC, "plan", "m", "--format", "json"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        assert plan.stdout is not None and plan.stderr is not None
        first = plan.stdout.read(100)  # as `| head -c 100` reads, then goes
        plan.stdout.close()
        stderr = plan.stderr.read().decode()
        code = plan.wait(timeout=120)
    assert first.startswith(b'{"format_version": ')
    assert code == 1, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.strip().splitlines()[-1] == "Error: Broken pipe: standard output"
