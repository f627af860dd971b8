"""A manifest or j1sync.yaml that is not UTF-8 (a Latin-1 é, random bytes) or holds a
character YAML forbids (NUL, a control) is one problem at the line and column of the
offending byte. They were at 1:1, with Python's codec wording and a byte offset ("can't
decode byte 0xff in position 58"), or ruamel's two-line reader error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

HEAD = b"apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: x"
TAIL = b"y\nspec:\n  title: T\n  queries:\n    - name: q\n      query: Find User\n"


@pytest.mark.parametrize(
    ("middle", "expected"),
    [
        (b"\xe9", "q.yaml:4:10: cannot read file: not UTF-8 text (byte 0xe9: "),
        (b"\xff", "q.yaml:4:10: cannot read file: not UTF-8 text (byte 0xff: invalid start byte)"),
        (b"\x00", "q.yaml:4:10: YAML syntax error: character #x0000 is not allowed in YAML"),
        (b"\x01", "q.yaml:4:10: YAML syntax error: character #x0001 is not allowed in YAML"),
    ],
)
@pytest.mark.parametrize("command", [["validate"], ["plan", ".", "--emulator"]])
def test_a_bad_byte_in_a_manifest_is_placed(
    tmp_path: Path, middle: bytes, expected: str, command: list[str]
) -> None:
    (tmp_path / "q.yaml").write_bytes(HEAD + middle + TAIL)
    result = j1sync_here(command, {}, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith(expected) for line in lines), result.stderr
    assert "codec can't decode" not in result.stderr
    assert "<unicode string>" not in result.stderr


def test_a_bad_byte_in_the_project_file_is_placed(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_bytes(HEAD + TAIL)
    (tmp_path / "j1sync.yaml").write_bytes(b"paths: [.]\nmanagedTag: t\xe4g\n")
    result = j1sync_here(["validate"], {}, tmp_path)
    assert result.returncode == 1
    assert "j1sync.yaml:2:14: cannot read file: not UTF-8 text (byte 0xe4: " in result.stderr
