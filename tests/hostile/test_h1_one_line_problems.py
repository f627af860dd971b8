"""A manifest problem is one line on stderr whatever the manifest holds: a name or a file
name with a line break (`name: "a\\nb"`) used to split its problem over two lines, the
second starting with the name's tail, as if it were a problem of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: {name}
spec:
  title: {title}
  queries:
    - name: q
      query: Find User
"""


@pytest.mark.parametrize("command", [["validate"], ["plan", ".", "--emulator"]])
def test_a_line_break_in_a_name_stays_on_the_problems_line(
    tmp_path: Path, command: list[str]
) -> None:
    questions = tmp_path / "questions"
    questions.mkdir()
    (questions / "split.yaml").write_text(
        QUESTION.format(name='"first\\nsecond: forged problem"', title="Split"), encoding="utf-8"
    )
    (questions / "odd\nfile.yaml").write_text(
        QUESTION.format(name="odd-file", title="5"), encoding="utf-8"
    )
    result = j1sync_here(command, {}, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert (
        "questions/split.yaml:4:9: Question/first\u240asecond: forged problem: metadata.name: "
        "must not contain control characters"
    ) in lines
    assert (
        "questions/odd\u240afile.yaml:6:10: Question/odd-file: spec.title: "
        "Input should be a valid string (got int 5)"
    ) in lines
    assert not any(line.startswith(("second", "file.yaml")) for line in lines)


def test_github_annotations_keep_escaping_line_breaks(tmp_path: Path) -> None:
    (tmp_path / "split.yaml").write_text(
        QUESTION.format(name='"a\\nb"', title="Split"), encoding="utf-8"
    )
    result = j1sync_here(["validate"], {"GITHUB_ACTIONS": "true"}, tmp_path)
    assert result.returncode == 1
    assert (
        "::error file=split.yaml,line=4,col=9::Question/a%0Ab: metadata.name: "
        "must not contain control characters"
    ) in result.stdout.splitlines()
