"""A name from the account may hold line breaks (JupiterOne takes any string). The
Markdown plan put a deleted object's name raw in its change's summary, so the name's
lines were lines of the comment, and of the CI log that prints the plan: a line
`::error::...` is a GitHub workflow command, `## Approved` a heading of its own. Such an
object is now never deleted (no manifest can have its name: 4b1e453) and the Markdown
plan writes every name on one line (its line breaks shown, ␊); no output has a line of
the name's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import questions_project, seeded_question

FORGED = "x\n::error::forged\n## Approved by security\n"
KEPT = ("kept", "kept2", "kept3")


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    seeded = [seeded_question(name) for name in (*KEPT, FORGED)]
    with questions_project(seeded, [(name, "T") for name in KEPT]) as emu:
        yield emu


def assert_no_forged_line(output: str) -> None:
    lines = output.splitlines()
    assert not [line for line in lines if line.lstrip("> -").startswith("::")], output
    assert "## Approved by security" not in lines, output


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_a_names_lines_are_never_lines_of_the_plan(emu: Emulator, fmt: str) -> None:
    result = run(emu, "plan", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert " 1 to delete" not in result.output and '"action": "delete"' not in result.output
    assert_no_forged_line(result.output)


def test_nor_of_apply_s_report(emu: Emulator) -> None:
    result = run(emu, "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert_no_forged_line(result.output)
    assert FORGED in {q["name"] for q in emu.snapshot()["questions"]}  # never deleted


def test_nor_of_the_json_plans_unmanaged_list(emu: Emulator) -> None:
    result = run(emu, "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "x\\n::error::forged" in result.stdout  # JSON's escape: one line, exact
    assert len(result.stdout.strip().splitlines()) == 1
