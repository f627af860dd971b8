"""An IAM group's queryPolicy set by hand (the API takes any JSON for each statement) to
hold a statement that is no map (a number, a string, a list): drift, plan and apply ended
in "internal error: TypeError: 'int' object is not iterable" or "ValueError: dictionary
update sequence element #0 ...". Such a statement is now compared as it is: drift
reports the group, and apply puts the manifest's policy back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import drift_then_heal, empty_account

GROUP = """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: s19a-readers
spec:
  description: Readers
  queryPolicy:
    - _class: [Host]
"""


@pytest.mark.parametrize("statement", [5, "x", [["a"]], True], ids=["int", "str", "list", "bool"])
def test_drift_over_a_query_policy_statement_that_is_no_map(tmp_path: Path, statement: Any) -> None:
    (tmp_path / "g.yaml").write_text(GROUP, encoding="utf-8")
    with empty_account("k-s19a-qp", "acct-s19a-qp", NO_COLOR="1") as (emu, env):
        applied = j1sync_here(["apply", ".", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        (group,) = [g for g in emu.store.objects("iam_groups") if g.get("name") == "s19a-readers"]
        edited = copy.deepcopy(group)
        edited["queryPolicy"] = [statement, *group["queryPolicy"]]
        emu.store.replace("iam_groups", edited)

        drift_then_heal(env, tmp_path, "IamGroup/s19a-readers")
