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
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED

FORGED = "x\n::error::forged\n## Approved by security\n"


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    questions = [
        {
            "name": name,
            "title": "T",
            "tags": ["j1sync"],
            "queries": [{"name": "q", "query": "Find User"}],
        }
        for name in ("kept", "kept2", "kept3", FORGED)
    ]
    with running_emulator(seed={**BASE_SEED, "questions": questions}) as emu:
        Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
        Path("m").mkdir()
        Path("m/q.yaml").write_text(
            "---\n".join(
                f"apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: {name}\n"
                "spec:\n  title: T\n  queries:\n    - {name: q, query: Find User}\n"
                for name in ("kept", "kept2", "kept3")
            ),
            encoding="utf-8",
        )
        yield emu


def run(emu: Emulator, *args: str) -> Result:
    env = {
        "JUPITERONE_API_KEY": emu.api_key,
        "JUPITERONE_ACCOUNT_ID": emu.account,
        "JUPITERONE_API_URL": emu.url,
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli, list(args), env=env)


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
