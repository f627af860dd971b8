"""J1SYNC_PLAN_KEY (or an API key) set from bytes that are not UTF-8 (a key file read
into the variable) was an internal error (UnicodeEncodeError: surrogates not allowed)
at `plan --out`. The plan key is now used as the bytes it was given: the plan is signed,
the same key applies it and another key is refused; an API key of such bytes is the
usual one-line credential error."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.hostile.manifests import QUESTION as SHARED_QUESTION
from tests.hostile.running import run_command
from tests.reliability.processes import J1SYNC, served_emulator

QUESTION = SHARED_QUESTION.encode()
KEY, ACCOUNT = "k-plan-bytes-1", "acct-plan-bytes"


def _run(args: list[str], env: dict[bytes, bytes], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_command([*J1SYNC, *args], env, cwd)


def test_a_plan_key_of_raw_bytes_signs_and_checks_plans(tmp_path: Path) -> None:
    (tmp_path / "users.yaml").write_bytes(QUESTION)
    with served_emulator(tmp_path, "none", KEY, ACCOUNT) as emulator:
        env = {
            k: v for k, v in os.environb.items() if not k.startswith((b"JUPITERONE_", b"J1SYNC_"))
        }
        env.update(
            {
                b"NO_COLOR": b"1",
                b"JUPITERONE_API_URL": emulator.url.encode(),
                b"JUPITERONE_API_KEY": KEY.encode(),
                b"JUPITERONE_ACCOUNT_ID": ACCOUNT.encode(),
                b"J1SYNC_PLAN_KEY": b"\xffplan-key-bytes",
            }
        )
        planned = _run(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert planned.returncode == 0, planned.stderr
        assert "internal error" not in planned.stderr

        other = {**env, b"J1SYNC_PLAN_KEY": b"\xfeplan-key-bytes"}
        refused = _run(["apply", "--plan", "plan.json", "--auto-approve"], other, tmp_path)
        assert refused.returncode == 1
        assert "does not match its signature" in refused.stderr

        applied = _run(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stderr
        assert "created Question/users" in applied.stdout

        env[b"JUPITERONE_API_KEY"] = b"k\xffey-bytes"
        bad_key = _run(["plan", "."], env, tmp_path)
        assert bad_key.returncode == 1
        assert (
            "JUPITERONE_API_KEY holds a character that is not ASCII at character 2 of 10"
            in bad_key.stderr
        )
        assert "internal error" not in bad_key.stderr
