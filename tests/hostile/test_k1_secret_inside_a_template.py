"""An `${env:}` value that occurs in the template of another (STAGE=PROD beside
`${env:PROD_TOKEN}`, or a value "${env") was replaced inside that template too: the plan
file kept `${env:${env:STAGE}_TOKEN}` for the token, and `apply --plan` resolved it to the
text `${env:PROD_TOKEN}` and wrote that to the account instead of the secret. Secrets are
found in a value as it is, never in a template put in for another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import empty_account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: k1-nested
spec:
  title: "Stage ${{env:K1_STAGE}}"
  description: "${{env:{token}}}"
  queries:
    - name: q
      query: Find User
"""
KEY, ACCOUNT = "k-k1-nested", "acct-k1-nested"
TOKEN_VALUE = "s3cr3t-token-k1"


@pytest.mark.parametrize(
    ("stage", "token"),
    [("PROD", "PROD_TOKEN"), ("${env", "K1_TOKEN"), ("TOKEN}", "K1_TOKEN")],
)
def test_a_secret_inside_another_template_leaves_it_whole(
    tmp_path: Path, stage: str, token: str
) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION.format(token=token), encoding="utf-8")
    settings = {"K1_STAGE": stage, token: TOKEN_VALUE}
    with empty_account(KEY, ACCOUNT, **settings) as (emulator, env):
        saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        text = (tmp_path / "plan.json").read_text(encoding="utf-8")
        assert TOKEN_VALUE not in text
        (change,) = json.loads(text)["changes"]
        assert change["sensitive"] == {
            "description": f"${{env:{token}}}",
            "title": "Stage ${env:K1_STAGE}",
        }

        applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stderr + applied.stdout
        (stored,) = [q for qs in emulator.snapshot().values() for q in qs if "queries" in q]
        assert stored["description"] == TOKEN_VALUE
        assert stored["title"] == f"Stage {stage}"
