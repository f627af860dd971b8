"""An alert rule's WEBHOOK action whose secret endpoint changed: the plan (text and
Markdown) and drift showed `endpoint: (sensitive)` twice, once as the action's identity
(its type and endpoint, matched masked) and once as the changed field. The identity line
is left out when the field shows as changed: the endpoint shows once, as changed, and the
secret never."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hooked
spec:
  question:
    queries:
      - name: q
        query: Find User
  operations:
    - when:
        condition: [AND, [queries.q.total, ">", 0]]
      actions:
        - type: WEBHOOK
          method: POST
          endpoint: ${env:S20B_HOOK_URL}
          headers:
            Authorization: ${env:S20B_HOOK_AUTH}
"""
OLD = {"S20B_HOOK_URL": "https://old.invalid/T0/aaaa", "S20B_HOOK_AUTH": "Bearer old-aaaa"}
NEW = {"S20B_HOOK_URL": "https://new.invalid/T1/bbbb", "S20B_HOOK_AUTH": "Bearer new-bbbb"}


def _run(emu: Emulator, env: dict[str, str], *args: str) -> Result:
    settings = {
        "JUPITERONE_API_KEY": emu.api_key,
        "JUPITERONE_ACCOUNT_ID": emu.account,
        "JUPITERONE_API_URL": emu.url,
        "NO_COLOR": "1",
        **env,
    }
    return CliRunner().invoke(cli, list(args), env=settings)


def test_a_changed_secret_endpoint_shows_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/rule.yaml").write_text(RULE, encoding="utf-8")
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emu:
        assert _run(emu, OLD, "apply", "--auto-approve").exit_code == 0
        shown = [
            _run(emu, NEW, "plan", "--format", "text"),
            _run(emu, NEW, "plan", "--format", "markdown"),
            _run(emu, NEW, "drift"),
        ]
        for result in shown:
            assert result.exit_code in (0, 2), result.output
            lines = result.stdout.splitlines()
            endpoint = [line.lstrip() for line in lines if "endpoint:" in line]
            assert endpoint == ["~         endpoint: (sensitive)"], result.stdout  # changed
            assert [line for line in lines if "Authorization: (sensitive)" in line]
            assert "type: WEBHOOK" in result.stdout
            for secret in (*OLD.values(), *NEW.values()):
                assert secret not in result.output
                assert secret.rpartition("/")[2] not in result.output
