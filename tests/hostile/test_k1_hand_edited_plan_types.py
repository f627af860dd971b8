"""A hand-edited plan file is refused on one line, before any change, whatever it holds:
a change whose kind is not text (5, null, a list) was read before the signature was
checked and ended in "internal error: AttributeError: 'int' object has no attribute
'rpartition'"; a string holding a lone surrogate ("\\ud800", valid JSON, not text) ended
in "internal error: UnicodeEncodeError" while checking the signature, and a NaN
(which Python's JSON reads) in "internal error: ValueError"."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.in_process import j1sync_here
from tests.hostile.manifests import QUESTION
from tests.hostile.running import empty_account

KEY, ACCOUNT = "k-k1-edited", "acct-k1-edited"
NOT_SIGNED = (
    "refusing the plan: its content does not match its signature: it was changed after "
    "j1sync wrote it, or signed with another JupiterOne API key (JUPITERONE_API_KEY); run "
    "`j1sync plan --out` again and apply that plan"
)


def _kind(value: Any) -> Callable[[str], str]:
    def edit(text: str) -> str:
        data = json.loads(text)
        data["changes"][0]["kind"] = value
        return json.dumps(data)

    return edit


def _lone_surrogate(text: str) -> str:
    assert '"title":"Users"' in text
    return text.replace('"title":"Users"', '"title":"Users \\ud800"')


def _not_a_number(text: str) -> str:
    data = json.loads(text)
    data["changes"][0]["after"]["title"] = float("nan")
    return json.dumps(data)  # NaN: Python's JSON reads it, JSON has no such number


@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        (_kind(5), "a change's kind is 5, not text"),
        (_kind(None), "a change's kind is None, not text"),
        (_kind(["Question"]), "a change's kind is ['Question'], not text"),
        (_lone_surrogate, NOT_SIGNED),
        (_not_a_number, NOT_SIGNED),
    ],
    ids=["kind-number", "kind-null", "kind-list", "lone-surrogate", "nan"],
)
def test_a_hand_edited_plan_is_refused_on_one_line(
    tmp_path: Path, edit: Callable[[str], str], refusal: str
) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION, encoding="utf-8")
    with empty_account(KEY, ACCOUNT) as (emulator, env):
        saved = j1sync_here(["plan", ".", "--out", "plan.json"], env, tmp_path)
        assert saved.returncode == 0, saved.stderr
        plan = tmp_path / "plan.json"
        plan.write_text(edit(plan.read_text(encoding="utf-8")), encoding="utf-8")
        before = emulator.snapshot()

        applied = j1sync_here(["apply", "--plan", "plan.json", "--auto-approve"], env, tmp_path)
        assert applied.returncode == 1, applied.stderr
        assert "internal error" not in applied.stderr and "Traceback" not in applied.stderr
        assert applied.stderr.strip().splitlines()[-1] == f"Error: plan.json: {refusal}"
        assert emulator.snapshot() == before
