"""Every credential's value is removed from what j1sync prints, the GitHub token and the
plan key as the systems' API keys: an error quoting a manifest line that holds one said
the token in full (only the API keys were redacted). And the carets under such a line
were placed by the text as written: they pointed past the redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

SECRET = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
QUESTION = f"""\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q
spec:
  title: T
  queries:
    - name: q
      query: FIND User WITH name = '{SECRET}' AND (((
"""


@pytest.mark.parametrize("variable", ["GITHUB_TOKEN", "J1SYNC_PLAN_KEY", "JUPITERONE_API_KEY"])
def test_a_credential_quoted_in_an_error_is_redacted_without_stray_carets(
    tmp_path: Path, variable: str
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION, encoding="utf-8")
    result = run_j1sync(["validate", "manifests"], {variable: SECRET}, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert SECRET not in output
    lines = result.stderr.splitlines()
    quoted = next(i for i, line in enumerate(lines) if "(redacted)" in line)
    assert "'(" in lines[quoted] and "never closed" in lines[quoted - 1]
    assert not lines[quoted + 1].strip().startswith("^"), result.stderr
    assert "Traceback" not in output
