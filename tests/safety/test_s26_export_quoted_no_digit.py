"""export writes no credential in clear where another field quotes it, whatever the
credential looks like. A quoted credential was replaced by its `${env:NAME}` only when it
had 12 characters and a digit (the rule for credentials written literally in manifests),
so one without a digit was exported in clear: an xyOps web hook's notes quoting its URL
`...?api_key=SUPERSECRETXY`, a JupiterOne rule's remediationSteps quoting its WEBHOOK
header `Bearer SECRETTOKENXYZ`, which the plan of that export shows as `(sensitive)`.
Now export replaces by the rule that plan hides a variable's value by
(sensitive.Secrets.template_for): whatever the plan masks, export wrote as a reference.
The export then plans nothing once .env.example's variables are set."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from pathlib import Path

from click.testing import Result

from j1sync.export.secrets import ENV_EXAMPLE_FILE
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import Account
from tests.xyops.helpers import CliServer

XY_SECRET = "SUPERSECRETXY"
XY_URL = f"https://example.com/hook?api_key={XY_SECRET}"
XY_MANIFEST = """apiVersion: xyops.j1sync/v1
kind: WebHook
metadata: {name: ops_hook}
spec:
  title: Ops hook
  url: ${env:HOOK_URL}
  notes: "uses ${env:HOOK_URL}"
"""

J1_SECRET = "SECRETTOKENXYZ"
J1_ENDPOINT = "https://hooks.example.com/in"
J1_MANIFEST = f"""apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hook-rule
spec:
  remediationSteps: "auth: Bearer ${{env:HOOK_TOKEN}}"
  question:
    queries:
      - name: q
        query: Find Host
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.q.total, ">", 0]]
      actions:
        - type: WEBHOOK
          endpoint: "{J1_ENDPOINT}"
          method: POST
          headers:
            Authorization: "Bearer ${{env:HOOK_TOKEN}}"
"""


def set_as_listed(folder: Path, values: Mapping[str, str]) -> dict[str, str]:
    """Each variable .env.example lists, set to the value of the field it stands for
    (`values`: the field's path -> its value in the system)."""
    found: dict[str, str] = {}
    lines = (folder / ENV_EXAMPLE_FILE).read_text(encoding="utf-8").splitlines()
    for comment, entry in itertools.pairwise(lines):
        if comment.startswith("# ") and entry.endswith("="):
            path = comment.split()[-1]
            assert path in values, (path, lines)
            found[entry[:-1]] = values[path]
    assert set(values) <= {c.split()[-1] for c in lines if c.startswith("# ")}, lines
    return found


def written(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def no_secret(secret: str, *results: Result, files: Mapping[str, str] = {}) -> None:
    for result in results:
        assert secret not in result.output, result.output
    for name, text in files.items():
        assert secret not in text, (name, text)


def test_an_xyops_hook_url_without_a_digit_quoted_in_its_notes(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "hook.yaml").write_text(XY_MANIFEST, encoding="utf-8")
    out = tmp_path / "exp"
    with CliServer.serving(tmp_path, "s26-export-Key-7a1c0e", HOOK_URL=XY_URL) as server:
        applied = server.run("apply", str(tmp_path / "m"), "--auto-approve")
        assert applied.exit_code == 0, applied.output
        exported = server.run(
            "export", "--system", "xyops", "--managed-only", "--out", str(out), HOOK_URL=""
        )
        assert exported.exit_code == 0, exported.output
        files = written(out)
        no_secret(XY_SECRET, applied, exported, files=files)
        env = set_as_listed(out, {"url": XY_URL})
        [(name, _)] = env.items()
        hook = files["ops-hook.yaml"]
        assert f"url: ${{env:{name}}}" in hook, hook
        assert f"uses ${{env:{name}}}" in hook, hook
        planned = server.run(
            "plan", str(out), "--detailed-exitcode", "--allow-empty", HOOK_URL="", **env
        )
        assert planned.exit_code == 0, planned.output
        no_secret(XY_SECRET, planned)


def test_a_jupiterone_header_without_a_digit_quoted_in_remediation_steps(
    tmp_path: Path,
) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "rule.yaml").write_text(J1_MANIFEST, encoding="utf-8")
    with running_emulator(db=":memory:", seed="none") as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        token = {"HOOK_TOKEN": J1_SECRET}
        applied = account.run("apply", str(tmp_path / "m"), "--auto-approve", env=token)
        assert applied.exit_code == 0, applied.output
        exported = account.export("--managed-only")
        assert exported.exit_code == 0, exported.output
        files = written(account.out)
        no_secret(J1_SECRET, applied, exported, files=files)
        action = "operations[0].actions[0]"
        env = set_as_listed(
            account.out,
            {
                f"{action}.endpoint": J1_ENDPOINT,
                f"{action}.headers.Authorization": f"Bearer {J1_SECRET}",
            },
        )
        [header] = [n for n in env if n.endswith("_HEADERS_AUTHORIZATION")]
        [rule] = [text for name, text in files.items() if name.endswith(".yaml")]
        assert f"auth: ${{env:{header}}}" in rule, rule
        for fmt in ("text", "json"):
            planned = account.run(
                "plan", str(account.out), "--detailed-exitcode", "--format", fmt, env=env
            )
            assert planned.exit_code == 0, planned.output
            no_secret(J1_SECRET, planned)
