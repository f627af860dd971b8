"""A manifest nested tens of thousands of levels deep (as many [ or "- " on one line) made
validate, plan and apply die of a segmentation fault, with no message: libyaml, which the
quick loader road uses, composes a document recursively in C and overflowed the C stack.
Such a document now takes the located road, whose problem names the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.processes import run_j1sync

DEEP = {
    "flow": "[" * 50_000 + "\n",
    "block": "- " * 50_000 + "x\n",
    "in a mapping, after a first document": (
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: fine\n"
        "spec:\n  title: t\n  queries:\n    - name: q\n      query: Find User\n"
        "---\nspec: " + "{a: " * 40_000 + "\n"
    ),
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_a_manifest_nested_too_deep_is_a_problem_at_its_file(tmp_path: Path, text: str) -> None:
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    for command in (["validate", "deep.yaml"], ["plan", "deep.yaml", "--emulator"]):
        result = run_j1sync(command, {}, tmp_path)
        assert result.returncode == 1, (command, result.returncode, result.stderr[-500:])
        assert "deep.yaml:" in result.stderr and "nests more than 64 levels deep" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["seed.yaml", "seed.json"])
def test_an_emulator_seed_nested_too_deep_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    """`emulator serve --seed` read YAML with libyaml (a segmentation fault) and JSON with
    json.loads ('seed ...: RecursionError: maximum recursion depth exceeded ...')."""
    (tmp_path / name).write_text("[" * 50_000 + "\n", encoding="utf-8")
    command = ["emulator", "serve", "--port", "19144", "--db", "e.db", "--seed", name]
    result = run_j1sync(command, {}, tmp_path, timeout=60)
    assert result.returncode == 1, (result.returncode, result.stderr[-500:])
    assert f"cannot read seed file {name}: nested too deeply" in result.stderr
    assert "RecursionError" not in result.stderr and "Traceback" not in result.stderr
