"""An `${env:X}` set to an empty string is refused as an unset one is: an undefined CI
secret (GitHub Actions' `${{ secrets.X }}`) expands to "", and `apply` and `apply --plan`
used to write that empty string over the account's secret parameter."""

from __future__ import annotations

from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import running_emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.running import jupiterone_env

PARAMETER = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: jira_token
spec:
  secret: true
  value: ${env:EMPTY_SECRET_TOKEN}
"""
KEY, ACCOUNT = "k-empty-env-1", "acct-empty-env"


def _env(url: str, token: str | None) -> dict[str, str]:
    given = {} if token is None else {"EMPTY_SECRET_TOKEN": token}
    return jupiterone_env(url, KEY, ACCOUNT, **given)


def test_an_empty_env_value_is_refused_before_any_change(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(PARAMETER, encoding="utf-8")
    with running_emulator(seed=None, api_key=KEY, account=ACCOUNT) as emulator:
        empty = _env(emulator.url, "")
        for args in (["validate", "."], ["plan", "."], ["apply", ".", "--auto-approve"]):
            done = j1sync_here(args, empty, tmp_path)
            assert done.returncode == 1, (args, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr
            assert "p.yaml:7:10:" in done.stderr, done.stderr  # the value's line
            assert "environment variable EMPTY_SECRET_TOKEN is set but empty" in done.stderr
        unset = j1sync_here(["validate", "."], _env(emulator.url, None), tmp_path)
        assert "environment variable EMPTY_SECRET_TOKEN is not set" in unset.stderr

        # a plan saved while the secret was set, applied where it expands to ""
        saved = j1sync_here(
            ["plan", ".", "--out", "plan.json"], _env(emulator.url, "tok-123456"), tmp_path
        )
        assert saved.returncode == 0, saved.stderr
        applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], empty, tmp_path)
        assert applied.returncode == 1, applied.stdout + applied.stderr
        assert "EMPTY_SECRET_TOKEN (set but empty) (used by Parameter/jira_token)" in applied.stderr
        assert "tok-123456" not in applied.stdout + applied.stderr

        stored = emulator.snapshot()
        assert not any("jira_token" in str(objects) for objects in stored.values())  # unchanged

        # set, it still applies
        done = j1sync_here(
            ["apply", "--plan", "plan.json", "--auto-approve"],
            _env(emulator.url, "tok-123456"),
            tmp_path,
        )
        assert done.returncode == 0, done.stderr
        assert "jira_token" in str(emulator.snapshot())
