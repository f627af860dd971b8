"""What docs/gitops.md tells a developer without the secrets, for the pre-commit hook: a
manifest's `${env:NAME}` set to any placeholder validates, and validate sends it nowhere
(it opens no connection, even with an API URL and key set) nor prints it."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.hostile.in_process import j1sync_here

WEBHOOK = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: public-s3-buckets
spec:
  title: Which S3 buckets are public?
  queries:
    - name: bad
      query: Find aws_s3_bucket with public=true
---
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: public-s3-buckets-webhook
spec:
  questionRef: public-s3-buckets
  operations:
    - when:
        condition: [AND, [queries.bad.total, ">", 0]]
      actions:
        - type: WEBHOOK
          endpoint: "${env:HOOK_URL}"
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
"""
PLACEHOLDER = "placeholder-not-the-secret"


def test_placeholder_values_validate_and_go_nowhere(tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "webhook.yaml").write_text(WEBHOOK, encoding="utf-8")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        env = {
            "HOOK_URL": PLACEHOLDER,
            "HOOK_TOKEN": PLACEHOLDER,
            "JUPITERONE_API_URL": f"http://127.0.0.1:{listener.getsockname()[1]}",
            "JUPITERONE_API_KEY": "key",
            "JUPITERONE_ACCOUNT_ID": "account",
        }
        unset = j1sync_here(["validate", "manifests"], {}, tmp_path)
        placeholders = j1sync_here(["validate", "manifests"], env, tmp_path)
        try:
            listener.accept()
            connected = True
        except BlockingIOError:
            connected = False

    assert unset.returncode == 1
    assert "environment variable HOOK_URL is not set" in unset.stderr
    assert placeholders.returncode == 0, placeholders.stderr
    assert placeholders.stdout == "2 manifests valid: 1 Question, 1 AlertRule\n"
    assert PLACEHOLDER not in placeholders.stdout + placeholders.stderr
    assert not connected
