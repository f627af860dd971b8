"""`.nan` and `.inf` in a manifest: JSON has no such numbers, so neither the plan file nor
the API can hold them. They passed `validate`, `plan --out` ended in "internal error:
ValueError: Out of range float values are not JSON compliant", and `.inf` in an action
was sent as null. Each is now an error at its file, line and field, before any request."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: not-finite
spec:
  question:
    queries:
      - name: query0
        query: Find User
  operations:
    - when:
        condition: [AND, [queries.query0.total, ">", {number}]]
      actions:
        - type: SET_PROPERTY
          value: {number}
{extra}"""
# an anchor sends the document down the loader's other road (round trip)
ANCHORED = "  labels: &labels {team: core}\n"


@pytest.mark.parametrize("number", [".nan", ".inf", "-.Inf", ".NaN"])
@pytest.mark.parametrize("extra", ["", ANCHORED], ids=["plain", "anchored"])
@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_number_json_cannot_hold_is_an_error_at_its_line(
    tmp_path: Path, number: str, extra: str, command: str
) -> None:
    (tmp_path / "rule.yaml").write_text(RULE.format(number=number, extra=extra), "utf-8")
    args = [command, "."] if command == "validate" else ["plan", ".", "--out", "plan.json"]
    # plan: the manifests are refused before any request (nothing listens at the URL)
    env = {
        "JUPITERONE_API_URL": "http://127.0.0.1:9",
        "JUPITERONE_API_KEY": "k-not-finite",
        "JUPITERONE_ACCOUNT_ID": "acct-not-finite",
    }
    done = j1sync_here(args, env, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert "internal error" not in output and "Traceback" not in output
    written = number  # quoted as the manifest writes it (`.NaN`, not `.nan`)
    why = (
        f"{written} is not a number JSON can hold (nor can the API take it): write a finite "
        f'number, or quote it ("{written}") to mean the text'
    )
    condition = "spec.operations[0].when.condition[1][2]"
    assert f"rule.yaml:12:54: AlertRule/not-finite: {condition}: {why}" in output
    action = "spec.operations[0].actions[0].value"
    assert f"rule.yaml:15:18: AlertRule/not-finite: {action}: {why}" in output
    assert not (tmp_path / "plan.json").exists()
