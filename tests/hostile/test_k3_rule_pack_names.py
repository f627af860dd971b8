"""`import-rule-pack` makes a metadata.name of each rule's name. Two rules of one long
name (255 characters or more) became `<name>-2`, 257 characters, and a name of nothing
but control characters became empty: the files written did not load (`validate` failed,
and the warning said they were 'exported as found in the account'). Now a suffixed name
is cut to fit, an empty one is named after its place (`rule 3`), and every file loads,
plans and applies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.export.conftest import BASE_SEED, Account, account_with

LONG = "x" * 300


@pytest.fixture
def base(tmp_path: Path) -> Iterator[Account]:
    yield from account_with(BASE_SEED, tmp_path)


def test_long_repeated_and_empty_names_make_manifests_that_load(
    base: Account, tmp_path: Path
) -> None:
    pack = tmp_path / "pack.json"
    names = [LONG, LONG, "\x01\x02 \x7f", "y" * 255, "y" * 255]
    rules = [{"name": n, "queries": [{"name": "q", "query": "Find Host"}]} for n in names]
    pack.write_text(json.dumps(rules), encoding="utf-8")
    result = base.run("import-rule-pack", str(pack), "--out", str(base.out))
    assert result.exit_code == 0, result.output
    assert "rule 3 of 5: name '\\x01\\x02 \\x7f' holds no text; named 'rule 3'" in result.stderr
    assert "exported as found" not in result.stderr and "must be at most" not in result.stderr
    validated = base.run("validate", str(base.out))
    assert validated.exit_code == 0, validated.output
    changes = base.plan_changes()
    assert sorted(changes) == sorted(
        f"AlertRule/{name}"
        for name in ("x" * 255, "x" * 253 + "-2", "rule 3", "y" * 255, "y" * 253 + "-2")
    )
    applied = base.run("apply", str(base.out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert base.run("plan", str(base.out), "--detailed-exitcode").exit_code == 0


def test_a_pack_s_own_problems_say_they_come_from_the_pack(base: Account, tmp_path: Path) -> None:
    pack = tmp_path / "pack.json"
    rule = {"name": "r", "queries": [{"name": "q", "query": "Find Host with"}]}
    pack.write_text(json.dumps([rule]), encoding="utf-8")
    result = base.run("import-rule-pack", str(pack), "--out", str(base.out))
    assert result.exit_code == 0, result.output
    assert "(imported as found in the pack)" in result.stderr, result.stderr
    assert "exported as found in the account" not in result.stderr
