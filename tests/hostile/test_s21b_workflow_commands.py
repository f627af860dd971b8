"""GitHub Actions runs a line of a step's log as a workflow command when it starts, after
white space, with `::name::` (`::error::` annotates the run, `::add-mask::` hides a word
from the rest of the log, `::stop-commands::` silences every later command), and a
legacy `##[name]` anywhere in it; the j1sync Action tees plan, drift and apply to the log.
A multi-line value (a description hand-edited in the account, a query in a pull request)
printed its lines as the diff's context (`          ::add-mask::delete`), the JSON plan
and an error's excerpt likewise: each acted. Such a line's first colon is now shown
`\\u003a` and `##[` as `#\\u0023[` (an exact escape in JSON), in every output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run as run
from tests.hostile.in_process import seeded_question

LINES = ["x ##[error]legacy", "  ::error title=Approved::by security", "::add-mask::delete"]
LIVE = "\n".join(["one", *LINES, "old"])
DECLARED = "\n".join(["one", *LINES, "new"])
QUERY = "Find User with\n::error::from the query ##[warning]x"


def commands(output: str) -> list[str]:
    """The lines of `output` that GitHub's runner would run as workflow commands."""
    return [
        line
        for line in output.splitlines()
        if re.match(r"\s*::[^:]*::", line) or "##[" in line  # as the runner parses them
    ]


@pytest.fixture
def emu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.chdir(tmp_path)
    live = seeded_question("described") | {"description": LIVE}
    Path("j1sync.yaml").write_text("paths: [m]\n", encoding="utf-8")
    Path("m").mkdir()
    block = "\n".join(f"        {line}" for line in QUERY.split("\n"))
    Path("m/q.yaml").write_text(
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: described\nspec:\n"
        f"  title: T\n  description: {json.dumps(DECLARED)}\n"
        f"  queries:\n    - name: q\n      query: |-\n{block}\n",
        encoding="utf-8",
    )
    with running_emulator(seed={**BASE_SEED, "questions": [live]}) as emu:
        yield emu


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("command", ["plan", "drift"])
def test_no_line_of_a_value_is_a_workflow_command(emu: Emulator, command: str, fmt: str) -> None:
    result = run(emu, command, "--format", fmt)
    assert result.exit_code in (0, 2), result.output
    assert "described" in result.stdout
    assert not commands(result.output), commands(result.output)
    if fmt == "json":
        changes = json.loads(result.stdout)["changes"]
        assert changes[0]["before"]["description"] == LIVE  # the escapes are exact JSON
    else:
        assert "\\u003a:add-mask::delete" in result.stdout  # the line, still readable
        assert "::from the query #\\u0023[warning]x" in result.stdout


def test_nor_a_query_line_an_error_quotes(emu: Emulator) -> None:
    result = run(emu, "validate")
    assert result.exit_code == 0, result.output
    assert "\\u003a:error::from the query" in result.output  # the J1QL warning's excerpt
    assert not commands(result.output), commands(result.output)
