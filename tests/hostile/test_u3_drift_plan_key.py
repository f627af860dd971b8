"""A nightly drift job without the J1SYNC_PLAN_KEY the apply job has (docs/gitops.md told
to give it to "both jobs", plan and apply) cannot check a secret parameter's fingerprint:
drift reported the secret as changed every night ("1 field differs"), exactly as a hand
edit, with nothing saying why. It still cannot check it, but now says so on stderr,
naming the key the fingerprint was made with and the one the run has; the docs tell to
give drift the key too."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import empty_account

PARAMETER = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: jira_token
spec:
  secret: true
  value: ${env:U3_JIRA_TOKEN}
"""
TOKEN, PLAN_KEY = "tok-u3-5b1e0c", "plan-key-u3-7f2c9a41d0"


def test_drift_without_the_plan_key_says_why_a_secret_shows_changed(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PARAMETER, encoding="utf-8")
    with empty_account("k-u3-drift-key", "acct-u3-drift", U3_JIRA_TOKEN=TOKEN) as (_, env):
        keyed = {**env, "J1SYNC_PLAN_KEY": PLAN_KEY}
        applied = j1sync_here(["apply", ".", "--auto-approve"], keyed, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        same_key = j1sync_here(["drift", "."], keyed, tmp_path)
        assert same_key.returncode == 0, same_key.stdout + same_key.stderr
        assert "fingerprint" not in same_key.stderr

        other = j1sync_here(["drift", "."], env, tmp_path)
        assert other.returncode == 2, other.stdout + other.stderr
        assert (
            "j1sync: Parameter/jira_token: the fingerprint of its secret value was made with "
            "J1SYNC_PLAN_KEY, and this run keys with JUPITERONE_API_KEY: the value cannot be "
            "checked here and is planned as changed (written again by apply). Give plan, "
            "apply and drift the same J1SYNC_PLAN_KEY."
        ) in other.stderr
        for output in (applied, same_key, other):
            text = output.stdout + output.stderr
            assert TOKEN not in text
            assert PLAN_KEY not in text
            assert "Traceback" not in text
