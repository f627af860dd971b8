"""`apply --plan` resolves a plan's `${env:}` references from its own environment. A
token rotated between the plan and the apply was written with every change of the
objects that use it: a rule whose description alone was planned to change had its
webhook's Authorization header, which the reviewed plan did not show, rewritten too.
Now the plan file signs a keyed fingerprint of each variable its changes write, and
`apply --plan` refuses the plan when one holds another value (or is not set), before any
change. The file holds no value nor a plain hash of one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.plan_signature import VALUES_FIELD
from tests.safety.test_plan_binding import (
    HOOK_TOKEN,
    HOOK_URL,
    Account,
    assert_refused,
    emulated,
    manifests,
    save_plan,
)


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Account]:
    monkeypatch.delenv("J1SYNC_PLAN_KEY", raising=False)
    with emulated() as acc:
        yield acc


def _planned_with_a_description_changed(account: Account, tmp_path: Path) -> Path:
    folder = manifests(tmp_path)
    assert account.run("apply", str(folder), "--auto-approve").exit_code == 0
    rule = folder / "alert-rules" / "webhook.yaml"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("spec:\n", "spec:\n  description: reworded\n"), encoding="utf-8")
    out = tmp_path / "plan.json"
    data = save_plan(account, folder, out)
    assert [c["address"] for c in data["changes"] if c["action"] != "no-op"] == [
        "AlertRule/public-buckets-webhook"
    ]
    return out


def test_a_rotated_token_refuses_the_plan(account: Account, tmp_path: Path) -> None:
    out = _planned_with_a_description_changed(account, tmp_path)
    text = out.read_text(encoding="utf-8")
    assert HOOK_TOKEN not in text and HOOK_URL not in text
    assert set(json.loads(text)[VALUES_FIELD]) == {"HOOK_TOKEN", "HOOK_URL"}

    refused = assert_refused(
        account, out, "${env:HOOK_TOKEN} holds another value", HOOK_TOKEN="rotated-token-77"
    )
    assert "rotated-token-77" not in refused and "HOOK_URL" not in refused
    both = assert_refused(
        account, out, "${env:HOOK_TOKEN}, ${env:HOOK_URL} hold", HOOK_TOKEN="x", HOOK_URL="y"
    )
    assert "run `j1sync plan --out` again" in both


def test_the_same_values_apply_the_plan(account: Account, tmp_path: Path) -> None:
    out = _planned_with_a_description_changed(account, tmp_path)
    applied = account.run("apply", "--plan", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    rule = next(r for r in account.emu.snapshot()["rules"] if r["name"] == "public-buckets-webhook")
    assert rule["description"] == "reworded"
    assert f"Bearer {HOOK_TOKEN}" in json.dumps(rule)


def test_an_edited_fingerprint_is_refused_as_edited(account: Account, tmp_path: Path) -> None:
    """The fingerprints are signed with the plan: editing one breaks the signature."""
    out = _planned_with_a_description_changed(account, tmp_path)
    data = json.loads(out.read_text(encoding="utf-8"))
    data[VALUES_FIELD]["HOOK_TOKEN"] = "0" * 64
    out.write_text(json.dumps(data), encoding="utf-8")
    assert_refused(account, out, "does not match its signature")
