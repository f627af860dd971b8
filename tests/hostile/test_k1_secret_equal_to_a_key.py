"""An `${env:X}` whose value equals a key of the saved plan ("title", "description",
"queries") masked that key in the plan file, and `apply --plan` refused the plan it had
just saved ("credentials written literally ... Question/k1: "). Masking touches values
only: keys are the manifest's own text or the kind's fields, never an `${env:}` value.
Whatever the secret is (a key, JSON punctuation, another value of the plan, a kind name),
the plan saved with it applies, and where the secret is a value it is shown nowhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.jupiterone.emulator.app import Emulator
from tests.hostile.in_process import j1sync_here
from tests.hostile.running import empty_account

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: k1
spec:
  title: {title}
  description: "${{env:K1_SECRET}}"
  queries:
    - name: q
      query: Find User with name = 'admin'
"""
KEY, ACCOUNT = "k-k1-secret-key", "acct-k1-secret-key"


@contextmanager
def _account(tmp_path: Path, value: str) -> Iterator[tuple[Emulator, dict[str, str]]]:
    """The question titled "Kone report" in q.yaml, its secret `value`, and an account
    with nothing in it."""
    (tmp_path / "q.yaml").write_text(QUESTION.format(title="Kone report"), encoding="utf-8")
    with empty_account(KEY, ACCOUNT, K1_SECRET=value) as account:
        yield account


def _questions(emulator: Emulator) -> list[dict[str, Any]]:
    return [q for qs in emulator.snapshot().values() for q in qs if "queries" in q]


def _plan_and_apply(tmp_path: Path, env: dict[str, str]) -> dict[str, Any]:
    saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
    assert saved.returncode == 0, saved.stderr
    assert "apply --plan will refuse" not in saved.stderr
    plan: dict[str, Any] = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
    assert applied.returncode == 0, applied.stderr + applied.stdout
    return plan


@pytest.mark.parametrize(
    "value",
    ["title", "description", "queries", "includeDeleted", "version", "Question", "null"],
)
def test_a_secret_equal_to_a_key_masks_the_value_and_the_saved_plan_applies(
    tmp_path: Path, value: str
) -> None:
    with _account(tmp_path, value) as (emulator, env):
        plan = _plan_and_apply(tmp_path, env)
        (change,) = plan["changes"]
        assert change["after"]["description"] == "(sensitive)"
        assert change["sensitive"] == {"description": "${env:K1_SECRET}"}
        assert change["literal_secrets"] == []
        assert set(change["after"]["queries"][0]) >= {"name", "query", "includeDeleted"}
        (stored,) = _questions(emulator)
        assert stored["description"] == value and stored["title"] == "Kone report"

        # an update: the live state's keys are the desired state's, shown as they are
        (tmp_path / "q.yaml").write_text(QUESTION.format(title="Kone renamed"), encoding="utf-8")
        plan = _plan_and_apply(tmp_path, env)
        (change,) = plan["changes"]
        assert change["action"] == "update" and change["changed_paths"] == ["title"]
        assert "(sensitive)" not in change["before"] and "title" in change["before"]
        (stored,) = _questions(emulator)
        assert stored["description"] == value and stored["title"] == "Kone renamed"


@pytest.mark.parametrize(
    "value",
    ['": "x', '{"a": 1}', "Kone report", "Find User with name = 'admin'", "(sensitive)"],
)
def test_a_secret_equal_to_punctuation_or_another_value_is_never_shown_and_applies(
    tmp_path: Path, value: str
) -> None:
    with _account(tmp_path, value) as (emulator, env):
        shown = j1sync_here(["plan", "."], env, tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert value not in shown.stdout.replace("(sensitive)", "")
        plan = _plan_and_apply(tmp_path, env)
        text = (tmp_path / "plan.json").read_text(encoding="utf-8")
        assert json.dumps(value)[1:-1] not in text.replace("(sensitive)", "")
        (change,) = plan["changes"]
        assert change["literal_secrets"] == []
        (stored,) = _questions(emulator)
        assert stored["description"] == value
        assert stored["title"] == "Kone report"
        assert stored["queries"][0]["query"] == "Find User with name = 'admin'"
