"""A part of a credential quoted in another field (a rule's description quoting its
webhook's bearer token, or its URL's password) was written by `export` as it was: into
a manifest meant to be committed. Plans mask such parts (sensitive.secret_pieces); export
now writes each as `${env:NAME_PART}`, a variable named after its credential's, listed in
.env.example only where some field quotes it, and the plan of the export, those variables
set, plans no change; exported again, each part keeps its name."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.hostile.in_process import j1sync_here

TOKEN, PASSWORD = "LITTOKEN-9a8s7d6f5g4h3j2k", "LITPASS-1q2w3e4r5t"
RULE = f"""\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: lit-rule
spec:
  description: "rotate {TOKEN} monthly; pw {PASSWORD}"
  question:
    queries:
      - name: query0
        query: Find User
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.query0.total, ">", 0]]
      actions:
        - type: WEBHOOK
          method: POST
          endpoint: https://u:{PASSWORD}@hooks.example.com/x
          headers:
            Authorization: "Bearer {TOKEN}"
        - type: WEBHOOK
          method: POST
          endpoint: https://hooks.example.com/quiet
          headers:
            Authorization: "Bearer QUIETTOKEN-1z2x3c4v5b"
"""
NAME = "J1_LIT_RULE_OPERATIONS_0_ACTIONS_0"
VALUES = {
    f"{NAME}_ENDPOINT": f"https://u:{PASSWORD}@hooks.example.com/x",
    f"{NAME}_HEADERS_AUTHORIZATION": f"Bearer {TOKEN}",
    f"{NAME}_ENDPOINT_PART": PASSWORD,
    f"{NAME}_HEADERS_AUTHORIZATION_PART": TOKEN,
    "J1_LIT_RULE_OPERATIONS_0_ACTIONS_1_ENDPOINT": "https://hooks.example.com/quiet",
    "J1_LIT_RULE_OPERATIONS_0_ACTIONS_1_HEADERS_AUTHORIZATION": "Bearer QUIETTOKEN-1z2x3c4v5b",
}


def test_a_quoted_part_is_exported_as_its_own_variable(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "rule.yaml").write_text(RULE)
    made = j1sync_here(["apply", "m", "--emulator", "--auto-approve", "--force"], {}, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr

    export = ["export", "--emulator", "--kind", "AlertRule", "--managed-only", "--out", "out"]
    exported = j1sync_here(export, {}, tmp_path)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    written = "".join(p.read_text() for p in sorted((tmp_path / "out").rglob("*.yaml")))
    assert TOKEN not in written and PASSWORD not in written
    assert f"rotate ${{env:{NAME}_HEADERS_AUTHORIZATION_PART}} monthly" in written
    assert f"pw ${{env:{NAME}_ENDPOINT_PART}}" in written
    listed = [
        line.removesuffix("=")
        for line in (tmp_path / "out" / ".env.example").read_text().splitlines()
        if line.endswith("=")
    ]
    assert sorted(listed) == sorted(VALUES)  # no part variable for the quiet token

    shutil.rmtree(tmp_path / "m")
    planned = j1sync_here(["plan", "out", "--emulator", "--detailed-exitcode"], VALUES, tmp_path)
    assert planned.returncode == 0, planned.stdout + planned.stderr

    again = j1sync_here([*export, "--force"], {}, tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{NAME}_ENDPOINT_PART=" in (tmp_path / "out" / ".env.example").read_text()
    assert "".join(p.read_text() for p in sorted((tmp_path / "out").rglob("*.yaml"))) == written
