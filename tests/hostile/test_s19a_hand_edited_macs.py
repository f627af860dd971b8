"""A MAC j1sync reads back and compares, edited by hand to hold a character that is not
ASCII: a secret parameter's fingerprint record in the account (j1sync_fp_<name>, its
"mac"), and a saved plan's signature. hmac.compare_digest refuses such a str, and drift
(and plan and apply) ended in "internal error: TypeError: comparing strings with non-ASCII
characters is not supported", as did apply --plan. Now the record is one that does not
match (drift: the secret differs; apply writes it again) and the plan is refused for its
signature, as any other edit."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from j1sync.providers.jupiterone.parameter_fingerprint import fingerprint_name
from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION
from tests.hostile.running import drift_then_heal, empty_account

SECRET = """\
apiVersion: j1sync/v1
kind: Parameter
metadata:
  name: s19a_token
spec:
  secret: true
  value: ${env:S19A_TOKEN}
"""
TOKEN = "s19a-token-value-6c0e2f"


def test_drift_over_a_fingerprint_whose_mac_was_edited_to_unicode(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(SECRET, encoding="utf-8")
    with empty_account("k-s19a-fp", "acct-s19a-fp", S19A_TOKEN=TOKEN, NO_COLOR="1") as (
        emu,
        env,
    ):
        applied = j1sync_here(["apply", ".", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        (record,) = [
            o
            for o in emu.store.objects("parameters")
            if o.get("name") == fingerprint_name("s19a_token")
        ]
        edited = copy.deepcopy(record)
        edited["value"] = json.dumps({**json.loads(record["value"]), "mac": "é"})
        emu.store.replace("parameters", edited)

        outputs = drift_then_heal(env, tmp_path, "Parameter/s19a_token")
    for output in outputs:
        assert TOKEN not in output.stdout + output.stderr


def test_apply_of_a_plan_whose_signature_was_edited_to_unicode(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION, encoding="utf-8")
    with empty_account("k-s19a-sig", "acct-s19a-sig", NO_COLOR="1") as (_, env):
        planned = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert planned.returncode == 0, planned.stdout + planned.stderr
        plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
        plan["signature"]["value"] = "é"
        (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
    assert applied.returncode == 1, applied.stdout + applied.stderr
    assert (
        applied.stderr.strip()
        .splitlines()[-1]
        .startswith("Error: plan.json: refusing the plan: its content does not match its signature")
    ), applied.stderr
    assert "internal error" not in applied.stderr and "Traceback" not in applied.stderr
