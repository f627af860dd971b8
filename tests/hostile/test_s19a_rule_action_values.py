"""An alert rule's action set by hand to something that is no map (the API takes any JSON
for each action: a number, a string, a list): drift, plan and apply ended in "internal
error: AttributeError: 'int' object has no attribute 'items'". Such an action is now
compared as it is: drift reports the rule, and apply puts the manifest's actions back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import drift_then_heal, empty_account

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: s19a-rule
spec:
  question:
    queries:
      - name: query0
        query: Find User
  operations:
    - when:
        condition: [AND, [queries.query0.total, ">", 0]]
      actions:
        - type: CREATE_ALERT
"""


@pytest.mark.parametrize("action", [5, "x", [1], True], ids=["int", "str", "list", "bool"])
def test_drift_over_a_rule_action_that_is_no_map(tmp_path: Path, action: Any) -> None:
    (tmp_path / "r.yaml").write_text(RULE, encoding="utf-8")
    with empty_account("k-s19a-act", "acct-s19a-act", NO_COLOR="1") as (emu, env):
        applied = j1sync_here(["apply", ".", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        (rule,) = [r for r in emu.store.objects("rules") if r.get("name") == "s19a-rule"]
        edited = copy.deepcopy(rule)
        edited["operations"][0]["actions"].insert(0, action)
        emu.store.replace("rules", edited)

        drift_then_heal(env, tmp_path, "AlertRule/s19a-rule")
