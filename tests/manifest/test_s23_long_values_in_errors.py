"""An error quotes a value the manifest wrote, never a whole huge one: a 100,000-character
value made the error line as long; and an integer too long to read (over 4,300 digits)
was reported at the file's first line with Python's own advice
(`sys.set_int_max_str_digits()`), not where it is written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: T
  pollingInterval: {value}
  queries:
    - name: a
      query: FIND Host
"""


def _validate(folder: Path, value: str) -> list[str]:
    (folder / "q.yaml").write_text(QUESTION.format(value=value), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.splitlines()


def test_a_huge_value_is_quoted_in_part_with_its_length(tmp_path: Path) -> None:
    lines = _validate(tmp_path, "X" * 100_000)
    [error] = [line for line in lines if "spec.pollingInterval" in line]
    assert len(error) < 500, len(error)
    assert f"(got '{'X' * 100}…', 100,000 characters)" in error
    short = _validate(tmp_path, "ONE_WEK")
    assert any("(got 'ONE_WEK'); did you mean 'ONE_WEEK'?" in line for line in short)


def test_an_integer_too_long_to_read_is_placed_at_its_line(tmp_path: Path) -> None:
    lines = _validate(tmp_path, "9" * 5_000)
    assert (
        f"{tmp_path / 'q.yaml'}:7:20: an integer of 5,000 digits is too long to read" in (lines[0])
    ), lines[0]
    assert "quote it to keep it as text" in lines[0]
    assert "set_int_max_str_digits" not in "\n".join(lines)
