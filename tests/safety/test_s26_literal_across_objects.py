"""A credential written literally is `(sensitive)` wherever any object of the run quotes
it, not only its own object: a rule's WEBHOOK endpoint quoted in a question's title was
shown in clear by plan (text, Markdown, JSON) and written into the plan file, while the
rule's own description quoting it was masked (the literals were gathered per object).
Now the literals of every object mask every string of every object, on both sides of a
change, in every output and the plan file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.engine.sensitive import MASK
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

SECRET = "LITERALSECRET999"
URL = f"https://hooks.example.com/{SECRET}"

RULE = f"""apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hook-rule
spec:
  description: "posts to {URL}"
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
          endpoint: "{URL}"
          method: POST
"""

QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: quoting
spec:
  title: "{title}"
  queries:
    - name: q
      query: Find User
"""


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("J1SYNC_PLAN_KEY", "a plan key for this test")
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    Path("m/rule.yaml").write_text(RULE, encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emulator:
        yield emulator


def declare_question(title: str) -> None:
    Path("m/question.yaml").write_text(QUESTION.format(title=title), encoding="utf-8")


def every_output(emu: Emulator, plan_file: str, code: int = 0) -> list[str]:
    """plan in each format, plan --out and the plan file it wrote (`code`: their exit
    code)."""
    texts = []
    for fmt in ("text", "markdown", "json"):
        result = jupiterone_run(emu, "plan", "m", "--format", fmt)
        assert result.exit_code == code, result.output
        texts.append(result.output)
    saved = jupiterone_run(emu, "plan", "m", "--out", plan_file)
    assert saved.exit_code == code, saved.output
    texts += [saved.output, Path(plan_file).read_text(encoding="utf-8")]
    return texts


def changes(emu: Emulator, code: int = 0) -> dict[str, dict[str, object]]:
    result = jupiterone_run(emu, "plan", "m", "--format", "json")
    assert result.exit_code == code, result.output
    return {c["address"]: c for c in json.loads(result.stdout)["changes"]}


def test_another_objects_quote_of_a_literal_credential_is_masked(emu: Emulator) -> None:
    declare_question(f"{URL} Evil")
    texts = every_output(emu, "create.json")
    for text in texts:
        assert SECRET not in text, text
    planned = changes(emu)
    assert planned["Question/quoting"]["after"]["title"] == MASK  # type: ignore[index]
    assert planned["AlertRule/hook-rule"]["after"]["description"] == MASK  # type: ignore[index]
    # the masked title is a credential written literally: a saved plan cannot carry it
    assert "title" in planned["Question/quoting"]["literal_secrets"]  # type: ignore[operator]


def test_the_live_side_quoting_another_objects_credential_is_masked(emu: Emulator) -> None:
    declare_question(f"{URL} Evil")
    applied = jupiterone_run(emu, "apply", "m", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert SECRET not in applied.output
    [live] = [q for q in emu.snapshot()["questions"] if q["name"] == "quoting"]
    assert live["title"] == f"{URL} Evil"  # apply PATHS writes the value it masked
    # the account's question now quotes the rule's credential; the manifest no longer
    declare_question("Clean title")
    texts = every_output(emu, "update.json")
    for text in texts:
        assert SECRET not in text, text
    change = changes(emu)["Question/quoting"]
    assert change["action"] == "update"
    assert change["before"]["title"] == MASK  # type: ignore[index]
    assert change["after"]["title"] == "Clean title"  # type: ignore[index]
    # the question left out of the manifests: deleted, its live title masked (the only
    # managed question: the safety limit blocks the plan, exit 3, and shows it all the same)
    Path("m/question.yaml").unlink()
    texts = every_output(emu, "delete.json", code=3)
    for text in texts:
        assert SECRET not in text, text
    change = changes(emu, code=3)["Question/quoting"]
    assert change["action"] == "delete"
    assert change["before"]["title"] == MASK  # type: ignore[index]
