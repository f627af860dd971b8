"""The project file's problems name the file as it is called (`j1sync.yml` said
"j1sync.yml:1:13: j1sync.yaml: managedTag: ..."), and a managedTag with outer spaces is
refused at its line: as a marker line it was trimmed on the way and as a tag kept, so
every plan adopted the account's objects again."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

GROUP = "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata: {name: g}\nspec: {description: x}\n"


def _validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("name", ["j1sync.yaml", "j1sync.yml"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("managedTag: 5\n", ":1:13: {name}: managedTag: Input should be a valid string"),
        ("managedTag: a\n---\nx: 1\n", ":3:1: {name} must hold a single document"),
        (
            "paths: [nope]\n",
            ":1:9: {name}: paths[0]: 'nope' does not exist (a path of {name} is relative",
        ),
        ("managedTag: [a\n", ":2:1: YAML syntax error"),
    ],
)
def test_problems_name_the_file_as_it_is_called(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GROUP, encoding="utf-8")
    code, stderr = _validate(tmp_path)
    assert code == 1
    assert f"{tmp_path / name}{expected.format(name=name)}" in stderr
    other = "j1sync.yaml" if name == "j1sync.yml" else "j1sync.yml"
    assert other not in stderr


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ('" j1sync"', "must not start or end with whitespace"),
        ('"j1sync "', "must not start or end with whitespace"),
        ('"j1\\tsync"', "must not contain control characters"),
        ('""', "must not be empty"),
    ],
)
def test_a_managed_tag_with_outer_spaces_is_refused_at_its_line(
    tmp_path: Path, tag: str, message: str
) -> None:
    (tmp_path / "j1sync.yaml").write_text(f"account: a\nmanagedTag: {tag}\n", encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GROUP, encoding="utf-8")
    code, stderr = _validate(tmp_path)
    assert code == 1
    assert f"j1sync.yaml:2:13: j1sync.yaml: managedTag: {message}" in stderr


def test_a_section_managed_tag_is_held_to_the_same(tmp_path: Path) -> None:
    (tmp_path / "j1sync.yaml").write_text(
        "xyops:\n  url: http://127.0.0.1:1\n  managedTag: 'ops '\n", encoding="utf-8"
    )
    (tmp_path / "g.yaml").write_text(GROUP, encoding="utf-8")
    code, stderr = _validate(tmp_path)
    assert code == 1
    assert "j1sync.yaml:3:15: j1sync.yaml: xyops.managedTag: must not start or end" in stderr


def test_a_plain_managed_tag_still_loads(tmp_path: Path) -> None:
    (tmp_path / "j1sync.yml").write_text("managedTag: team-a managed\n", encoding="utf-8")
    (tmp_path / "g.yaml").write_text(GROUP, encoding="utf-8")
    assert _validate(tmp_path) == (0, "")
