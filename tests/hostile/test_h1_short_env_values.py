"""An `${env:X}` whose value is short ("d", "on") masks that value, not every string and
key that happens to contain it: with X=d the plan masked "description", "includeDeleted"
and "name" as keys, showed the question's query as (sensitive), and wrote a plan file
that `apply --plan` refused ("credentials written literally ... Question/q: ")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import empty_account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: short-env
spec:
  title: Short env
  description: "${env:H1_SHORT}"
  queries:
    - name: q
      query: Find User with name = 'admin'
"""
KEY, ACCOUNT = "k-short-env-1", "acct-short-env"


@pytest.mark.parametrize("value", ["d", "on", "ad"])
def test_a_short_env_value_is_masked_alone_and_the_saved_plan_applies(
    tmp_path: Path, value: str
) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION, encoding="utf-8")
    with empty_account(KEY, ACCOUNT, H1_SHORT=value) as (emulator, env):
        shown = j1sync_here(["plan", "."], env, tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert "+   description: (sensitive)" in shown.stdout
        assert "+       query: Find User with name = 'admin'" in shown.stdout
        assert "+     - name: q" in shown.stdout

        saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        assert "apply --plan will refuse" not in saved.stderr
        text = (tmp_path / "plan.json").read_text(encoding="utf-8")
        assert '"includeDeleted"' in text and '"(sensitive 2)"' not in text

        applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stderr
        assert "created Question/short-env" in applied.stdout
        stored = emulator.snapshot()
        descriptions = [q.get("description") for qs in stored.values() for q in qs]
        assert value in descriptions
