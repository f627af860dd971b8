"""A lone surrogate (half of an emoji's UTF-16 pair: JSON's `\\ud83d` escape, a YAML
`"\\ud83d"`, a JavaScript server's title cut in the middle of an emoji) in a manifest or in
a live object. Before, every plan of such an account ended in "internal error:
UnicodeEncodeError: ... surrogates not allowed" (the plan hashes each state's canonical
JSON as UTF-8), and so did drift, `plan --out` and apply. Now it is a character like any
other: planned, saved, applied, exported, shown as its escape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import Account

HALF = "\ud83d"

DECLARED = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: "half-\\ud83d"
spec:
  title: "Cut \\ud83d"
  queries:
    - name: q
      query: Find User
"""


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key="s18-Key-9c2d7e", page_size=7) as e:
        yield Account(emu=e, tmp_path=tmp_path)


def _ok(result, code: int = 0) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    return str(result.output)


def test_a_declared_lone_surrogate_is_planned_saved_applied_and_then_in_sync(
    account: Account, tmp_path: Path
) -> None:
    account.write("q.yaml", DECLARED)
    saved = tmp_path / "plan.json"
    _ok(account.run("plan", account.manifests, "--out", str(saved)))
    assert json.loads(saved.read_text(encoding="utf-8"))["changes"][0]["name"] == f"half-{HALF}"
    _ok(account.run("apply", "--plan", str(saved), "--auto-approve"))
    (stored,) = account.emu.snapshot()["questions"]
    assert stored["title"] == f"Cut {HALF}"
    _ok(account.run("plan", account.manifests, "--detailed-exitcode"))
    _ok(account.run("drift", account.manifests))


def test_a_live_object_holding_one_is_compared_planned_and_exported(
    account: Account, tmp_path: Path
) -> None:
    """A hand-made question whose title holds one, then declared (adopted) by a manifest:
    its live state is compared, so hashed, in every plan."""
    account.emu.seed_objects(
        {
            "questions": [
                {
                    "name": "hand-made",
                    "title": f"Hand-made {HALF}",
                    "queries": [{"name": "q", "query": "Find User"}],
                }
            ]
        }
    )
    out = tmp_path / "exported"
    _ok(account.run("export", "--kind", "Question", "--out", str(out)))
    (exported,) = (out / "questions").glob("*.yaml")
    assert "Hand-made \\uD83D" in exported.read_text(encoding="utf-8")
    _ok(account.run("validate", str(out)))
    account.write("q.yaml", DECLARED.replace('"half-\\ud83d"', "hand-made"))
    for output in ("text", "json", "markdown"):
        shown = _ok(account.run("plan", account.manifests, "--format", output))
        assert HALF not in shown and "\\ud83d" in shown.lower()
    _ok(account.run("drift", account.manifests), 2)
    _ok(account.run("apply", account.manifests, "--auto-approve"))
    (stored,) = account.emu.snapshot()["questions"]
    assert stored["title"] == f"Cut {HALF}"
