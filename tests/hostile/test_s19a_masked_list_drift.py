"""A secret (`${env:NAME}`) in a list of plain values (a question's tags, a compliance
entry's requirements) that changed since the last apply: drift said "4 fields differ from
the manifest" and listed 2 of them. The list's elements are matched by content, and the
masked old and new values matched, so the changed tags and requirements were shown
nowhere. Each such field is now listed as `~ tags: (sensitive)`, its values still hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.running import empty_account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: tagged-by-secret
spec:
  title: Tagged by a secret
  tags: ["${env:S19A_TAG}", plain]
  queries:
    - name: q
      query: Find User
  compliance:
    - standard: CIS
      requirements: ["${env:S19A_TAG}-1"]
"""
OLD, NEW = "s19a-old-tag-4d1c", "s19a-new-tag-9e7b"


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_drift_lists_every_changed_field_holding_a_secret(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION, encoding="utf-8")
    with empty_account("k-s19a-mask", "acct-s19a-mask", NO_COLOR="1") as (_, env):
        applied = j1sync_here(["apply", ".", "--auto-approve"], {**env, "S19A_TAG": OLD}, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        drift = j1sync_here(["drift", ".", "--format", fmt], {**env, "S19A_TAG": NEW}, tmp_path)
    assert drift.returncode == 2, drift.stdout + drift.stderr
    assert "2 fields differ from the manifest" in drift.stdout
    assert "~ tags: (sensitive)" in drift.stdout
    assert "~     requirements: (sensitive)" in drift.stdout
    for output in (applied, drift):
        text = output.stdout + output.stderr
        assert OLD not in text and NEW not in text
        assert "Traceback" not in text
