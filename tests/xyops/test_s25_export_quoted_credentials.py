"""export writes no credential in clear, also where another field quotes it: a web hook's
notes quoting its URL, a tag's notes quoting a hook's. Plans show such a field as
`(sensitive)`; export wrote the URL into a file meant for git. Now the quoted credential is
its `${env:NAME}` reference there too, and the export plans nothing once the variables
of .env.example are set."""

from __future__ import annotations

import itertools
from pathlib import Path

from tests.xyops.helpers import CliServer

KEY = "s25-export-Key-0c2b7d"
URL = "https://hooks.example.com/T0/B0/SECRET123456"

MANIFESTS = """apiVersion: xyops.j1sync/v1
kind: WebHook
metadata: {name: ops_chat}
spec:
  title: Ops chat
  url: ${env:HOOK_URL}
  notes: "Posts to ${env:HOOK_URL} (see the runbook)"
---
apiVersion: xyops.j1sync/v1
kind: Tag
metadata: {name: chatty}
spec:
  title: Chatty
  notes: "Goes to ${env:HOOK_URL}"
"""


def variables(env_example: str) -> dict[str, str]:
    """Each variable .env.example lists, set to the value it stands for."""
    found: dict[str, str] = {}
    lines = env_example.splitlines()
    for comment, entry in itertools.pairwise(lines):
        if comment.startswith("# xyops.WebHook/ops_chat url") and entry.endswith("="):
            found[entry[:-1]] = URL
    return found


def test_a_quoted_credential_is_exported_as_its_reference(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "all.yaml").write_text(MANIFESTS, encoding="utf-8")
    out = tmp_path / "exp"
    with CliServer.serving(tmp_path, KEY, HOOK_URL=URL) as server:
        applied = server.run("apply", str(tmp_path / "m"), "--auto-approve")
        assert applied.exit_code == 0, applied.output
        exported = server.run(
            "export", "--system", "xyops", "--managed-only", "--out", str(out), HOOK_URL=""
        )
        assert exported.exit_code == 0, exported.output
        texts = {p.name: p.read_text(encoding="utf-8") for p in out.rglob("*.yaml")}
        assert "SECRET123456" not in exported.output
        for name, text in texts.items():
            assert "SECRET123456" not in text, (name, text)
        hook, tag = texts["ops-chat.yaml"], texts["chatty.yaml"]
        found = variables((out / ".env.example").read_text(encoding="utf-8"))
        assert len(found) == 1, found
        (name,) = found
        assert f"url: ${{env:{name}}}" in hook
        assert f"Posts to ${{env:{name}}} (see the runbook)" in hook
        assert f"Goes to ${{env:{name}}}" in tag
        planned = server.run(
            "plan", str(out), "--detailed-exitcode", "--allow-empty", HOOK_URL="", **found
        )
        assert planned.exit_code == 0, planned.output
