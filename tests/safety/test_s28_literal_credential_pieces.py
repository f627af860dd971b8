"""The secret part of a credential written literally is `(sensitive)` wherever another
field quotes it: the token after an auth scheme (`Bearer <token>`), a URL's password
(`https://user:<password>@host`) and a URL query value named like a credential
(`?token=<value>`). Before, only a credential's whole value was looked for in other
fields, so a rule's description quoting its WEBHOOK's bearer token or URL password, or an
xyOps hook's notes quoting its header's token, was shown by plan (text, Markdown, JSON),
written into the plan file, and shown again by a plan deleting the object."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from j1sync.engine.sensitive import MASK, secret_pieces
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run
from tests.xyops.helpers import CliServer

TOKEN = "LITTOKEN-9a8s7d6f5g4h3j2k"
PASSWORD = "LITPASS-1q2w3e4r5t"
QUERY = "LITQUERYvalue"  # no digit: a credential by its parameter's name
J1_SECRETS = (TOKEN, PASSWORD, QUERY)

RULE = f"""apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hook-rule
spec:
  description: "{{description}}"
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
          endpoint: "https://u:{PASSWORD}@hooks.example.com/x?api_token={QUERY}&region=eu"
          method: POST
          headers:
            Authorization: "Bearer {TOKEN}"
"""
# a manifest left when the rule's goes: the plan deletes the rule
QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: kept
spec:
  title: Kept
  queries:
    - name: q
      query: Find User
"""
QUOTING = f"rotate {TOKEN} monthly; pw {PASSWORD}; query {QUERY}"

XY_TOKEN = "XYLITTOKEN-4r5t6y7u8i"
HOOK = f"""apiVersion: xyops.j1sync/v1
kind: WebHook
metadata:
  name: lit_hook
spec:
  title: Lit hook
  notes: "{{notes}}"
  url: https://chat.example.com/hook
  headers:
    - name: Authorization
      value: Bearer {XY_TOKEN}
"""


def assert_hidden(secrets: tuple[str, ...], texts: list[str]) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text)


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("J1SYNC_PLAN_KEY", "a plan key for this test")
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/question.yaml").write_text(QUESTION, encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emulator:
        yield emulator


def declare_rule(description: str) -> None:
    Path("m/rule.yaml").write_text(RULE.format(description=description), encoding="utf-8")


def j1_outputs(emu: Emulator, plan_file: str, code: int = 0) -> list[str]:
    """plan in each format, plan --out and the file it wrote (`code`: their exit code)."""
    texts = []
    for fmt in ("text", "markdown", "json"):
        result = jupiterone_run(emu, "plan", "m", "--format", fmt)
        assert result.exit_code == code, result.output
        texts.append(result.output)
    saved = jupiterone_run(emu, "plan", "m", "--out", plan_file)
    assert saved.exit_code == code, saved.output
    return [*texts, saved.output, Path(plan_file).read_text(encoding="utf-8")]


def j1_change(emu: Emulator, code: int = 0) -> dict[str, object]:
    result = jupiterone_run(emu, "plan", "m", "--format", "json")
    assert result.exit_code == code, result.output
    [change] = [c for c in json.loads(result.stdout)["changes"] if c["kind"] == "AlertRule"]
    return change  # type: ignore[no-any-return]


def test_a_jupiterone_rules_description_quoting_its_webhooks_secrets(emu: Emulator) -> None:
    declare_rule(QUOTING)
    assert_hidden(J1_SECRETS, j1_outputs(emu, "create.json"))
    change = j1_change(emu)
    assert change["after"]["description"] == MASK  # type: ignore[index]
    applied = jupiterone_run(emu, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert_hidden(J1_SECRETS, [applied.output])
    # the account's description quotes them; the manifest's no longer
    declare_rule("clean")
    assert_hidden(J1_SECRETS, j1_outputs(emu, "update.json"))
    change = j1_change(emu)
    assert change["before"]["description"] == MASK  # type: ignore[index]
    assert change["after"]["description"] == "clean"  # type: ignore[index]
    # left out of the manifests: deleted (the only managed rule: the safety limit blocks
    # the plan, exit 3, and shows it all the same), the live description masked
    Path("m/rule.yaml").unlink()
    assert_hidden(J1_SECRETS, j1_outputs(emu, "delete.json", code=3))
    change = j1_change(emu, code=3)
    assert change["action"] == "delete"
    assert change["before"]["description"] == MASK  # type: ignore[index]


def test_a_short_or_public_query_value_is_not_hidden_elsewhere(emu: Emulator) -> None:
    """`region=eu` is neither named like a credential nor long enough to be one: a
    description naming it is shown."""
    declare_rule("posts to the eu region")
    change = j1_change(emu)
    assert change["after"]["description"] == "posts to the eu region"  # type: ignore[index]


def xy_outputs(server: CliServer, plan_file: Path, code: int = 0) -> list[str]:
    results: list[Result] = [
        server.run("plan", str(server.root / "m"), "--format", fmt)
        for fmt in ("text", "markdown", "json")
    ]
    results.append(server.run("plan", str(server.root / "m"), "--out", str(plan_file)))
    for result in results:
        assert result.exit_code == code, result.output
    return [*(r.output for r in results), results[2].stdout, plan_file.read_text(encoding="utf-8")]


def test_an_xyops_hooks_notes_quoting_its_headers_token(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    hook = tmp_path / "m" / "hook.yaml"
    hook.write_text(HOOK.format(notes=f"token is {XY_TOKEN}"), encoding="utf-8")
    with CliServer.serving(tmp_path, "s28-literal-pieces-Key-3c9d") as server:
        assert_hidden((XY_TOKEN,), xy_outputs(server, tmp_path / "create.json"))
        applied = server.run("apply", str(tmp_path / "m"), "--auto-approve")
        assert applied.exit_code == 0, applied.output
        assert_hidden((XY_TOKEN,), [applied.output])
        hook.write_text(HOOK.format(notes="no token here"), encoding="utf-8")
        texts = xy_outputs(server, tmp_path / "update.json")
        assert_hidden((XY_TOKEN,), texts)
        [change] = json.loads(texts[4])["changes"]
        assert change["before"]["notes"] == MASK
        assert change["after"]["notes"].startswith("no token here")


def test_only_the_parts_secret_by_where_they_stand_are_pieces() -> None:
    """8 characters or more; a scheme's token where a value starts or after `:`, `=` or a
    quote (not the word after "token" in prose); a query value named like a credential
    (others by the whole-value rule: 12 characters with a digit)."""
    assert secret_pieces(f"Bearer {TOKEN}") == [TOKEN]
    assert secret_pieces(f'{{"Authorization": "Basic {PASSWORD}"}}') == [PASSWORD]
    assert secret_pieces("Bearer short") == []
    assert secret_pieces("please check the token rotation policy") == []
    assert secret_pieces(f"https://u:{PASSWORD}@h.example.com/x?key={QUERY}") == [PASSWORD, QUERY]
    assert secret_pieces("https://h.example.com/x?region=us-east-1&format=markdown") == []
