"""validate stops where plan stops: a line of a value's text that starts with
`apiVersion:` naming a system no manifest declares (plan would read and prune that
system's account with no manifest of it)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: tricky
spec:
  title: Tricky
  description: "first line
apiVersion: opencti.j1sync/v1 b"
  queries:
  - name: q
    query: Find User
"""


def validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(folder)], catch_exceptions=False)
    return result.exit_code, result.output


def test_validate_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)

    code, output = validate(tmp_path)

    assert code == 1
    assert f"{tmp_path / 'q.yaml'}:8: a line starts with `apiVersion:` naming OpenCTI" in output
    assert "manifest valid" not in output


def test_a_section_for_the_system_makes_it_part_of_the_run(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("opencti: {}\n")

    code, output = validate(tmp_path)

    assert code == 0, output
    assert "1 manifest valid: 1 Question" in output
