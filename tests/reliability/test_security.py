"""The API key never leaves the process; `${env:…}` secrets are masked in every plan output
and in apply's; plain http:// only to loopback; TLS verification always on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.errors import ConfigError
from j1sync.http.session import pooled_session
from j1sync.providers.jupiterone import JupiterOneClient
from j1sync.providers.jupiterone.settings import Settings
from tests.examples import copy_jupiterone_examples
from tests.hostile.in_process import j1sync_here
from tests.reliability.processes import served_emulator

REPO = Path(__file__).resolve().parents[2]
KEY = "KEY-do-not-leak-0c7e5f1d9b"
ACCOUNT = "security-account"
SECRET = "hook-secret-value-4b1e77"

WEBHOOK_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: webhook-on-public-buckets
spec:
  questionRef: public-s3-buckets
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.bad.total, ">", 0]]
      actions:
        - type: WEBHOOK
          endpoint: "https://hooks.example.com/${env:HOOK_ID}"
          method: POST
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
"""


def test_the_key_and_env_secrets_appear_in_no_output_file_or_log(tmp_path: Path) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "manifests")  # a JupiterOne emulator serves
    (manifests / "alert-rules" / "webhook.yaml").write_text(WEBHOOK_RULE, encoding="utf-8")
    runs: list[subprocess.CompletedProcess[str]] = []
    with served_emulator(tmp_path, "demo", KEY, ACCOUNT) as emu:
        env = {
            "JUPITERONE_API_KEY": KEY,
            "JUPITERONE_ACCOUNT_ID": ACCOUNT,
            "JUPITERONE_API_URL": emu.url,
            "HOOK_TOKEN": SECRET,
            "HOOK_ID": "j1",
            "J1SYNC_RETRY_BUDGET": "2",
            "J1SYNC_BACKOFF_INITIAL_S": "0.05",
        }

        def j1sync(*args: str) -> subprocess.CompletedProcess[str]:
            done = j1sync_here(args, env, tmp_path)
            runs.append(done)
            assert "Traceback" not in done.stderr, done.stderr
            return done

        plan_file = tmp_path / "plan.json"
        planned = j1sync("plan", str(manifests), "--out", str(plan_file))
        assert planned.returncode == 0, planned.stderr
        for fmt in ("markdown", "json"):
            assert j1sync("plan", str(manifests), "--format", fmt).returncode == 0
        for run in runs:  # the secret's change is shown, masked
            assert "(sensitive)" in run.stdout
        assert "${env:HOOK_TOKEN}" in plan_file.read_text(encoding="utf-8")
        applied = j1sync("apply", "--plan", str(plan_file), "--auto-approve")
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert j1sync("drift", str(manifests), "--format", "json").returncode in (0, 2)
        j1sync("plan", str(manifests), "--api-url", "http://127.0.0.1:9")  # connection error
        j1sync("plan", str(manifests), "--account", "wrong-account")  # 401 from the emulator
        exported = j1sync("export", "--out", str(tmp_path / "exported"))
        assert exported.returncode == 0, exported.stderr
        assert "webhook-on-public-buckets" in emu.snapshot().__repr__()  # the secret was applied
    assert len(runs) == 8 and any(r.returncode == 1 for r in runs[-3:])

    outputs = [run.stdout + run.stderr for run in runs]
    for text in outputs:
        assert KEY not in text
    for text in outputs:  # export too: it writes ${env:NAME} in place of credentials
        assert SECRET not in text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert KEY.encode() not in data, path
            if path.name != "emulator.db":
                assert SECRET.encode() not in data, path


def test_plain_http_is_refused_except_to_loopback(tmp_path: Path) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "m")
    env = {"JUPITERONE_API_KEY": KEY, "JUPITERONE_ACCOUNT_ID": ACCOUNT}
    for url in ("http://api.us.jupiterone.io", "http://10.0.0.8:8080", "http://[2001:db8::1]"):
        result = CliRunner().invoke(cli, ["plan", str(manifests), "--api-url", url], env=env)
        assert result.exit_code == 1, result.output
        assert "Refusing plain http://" in result.output
        assert KEY not in result.output
    for url in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        assert Settings(api_key=KEY, account=ACCOUNT, api_url=url).base_url == url
    with pytest.raises(ConfigError):
        Settings(api_key=KEY, account=ACCOUNT, api_url="http://127.0.0.1.example.com")


def test_tls_verification_is_always_on() -> None:
    assert pooled_session(4).verify is True
    client = JupiterOneClient(Settings(api_key=KEY, account=ACCOUNT))
    assert client._session.verify is True
    assert client.settings.base_url.startswith("https://")
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in (REPO / "src").rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"verify\s*=\s*False|\.verify\s*=(?!\s*True\b)", line)
    ]
    assert offenders == []
