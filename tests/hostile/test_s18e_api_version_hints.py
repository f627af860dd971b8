"""An unknown apiVersion is told with the one it most likely means (by system name, then
case, then spelling), never with itself, and at its value. Before: `jupiterone.j1sync/v1`
was offered `opencti.j1sync/v1`, `XYOPS.j1sync/v1` `j1sync/v1`; `!!str xyops.j1sync/v1`
was "unknown apiVersion xyops.j1sync/v1; did you mean 'xyops.j1sync/v1'?" (a run finds
each document's system from its apiVersion line's text, so the tag is what is wrong);
`apiVersion: null` was "unknown apiVersion None", at column 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

DOCUMENT = """\
apiVersion: {}
kind: Tag
metadata:
  name: t
spec:
  title: T
"""

CASES = [
    (
        "jupiterone.j1sync/v1",
        "1:13",
        "unknown apiVersion 'jupiterone.j1sync/v1'; did you mean 'j1sync/v1'?",
    ),
    (
        "XYOPS.j1sync/v1",
        "1:13",
        "unknown apiVersion 'XYOPS.j1sync/v1'; did you mean 'xyops.j1sync/v1'?",
    ),
    ("J1SYNC/V1", "1:13", "unknown apiVersion 'J1SYNC/V1'; did you mean 'j1sync/v1'?"),
    ("OpenCTI/v2", "1:13", "unknown apiVersion 'OpenCTI/v2'; did you mean 'opencti.j1sync/v1'?"),
    (
        "xyop.j1sync/v1",
        "1:13",
        "unknown apiVersion 'xyop.j1sync/v1'; did you mean 'xyops.j1sync/v1'?",
    ),
    (
        "!!str xyops.j1sync/v1",
        "1:13",
        "apiVersion 'xyops.j1sync/v1' is written with the YAML tag !!str, which j1sync does "
        "not read there (a run finds each document's system from the text of its apiVersion "
        "line); write `apiVersion: xyops.j1sync/v1`",
    ),
    (
        "null",
        "1:13",
        "apiVersion is empty; expected one of j1sync/v1, xyops.j1sync/v1, opencti.j1sync/v1",
    ),
    (
        "[xyops.j1sync/v1]",
        "1:1",
        "apiVersion must be a string, not a list; expected one of j1sync/v1, xyops.j1sync/v1, "
        "opencti.j1sync/v1",
    ),
]


def validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/a.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "m"])
    return result.exit_code, result.output


@pytest.mark.parametrize(("written", "where", "message"), CASES, ids=[c[0] for c in CASES])
def test_an_unknown_api_version_is_told_what_it_most_likely_means(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, where: str, message: str
) -> None:
    code, stderr = validate(tmp_path, monkeypatch, DOCUMENT.format(written))
    assert code == 1, stderr
    assert f"m/a.yaml:{where}: Tag/t: apiVersion: {message}" in stderr.splitlines(), stderr


def test_a_kind_and_name_tagged_str_are_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kind: !!str Tag` was "unknown kind Tag; did you mean 'Tag'?": every other string
    value reads `!!str` as the string it tags."""
    text = DOCUMENT.format("xyops.j1sync/v1").replace("kind: Tag", "kind: !!str Tag")
    code, stderr = validate(tmp_path, monkeypatch, text.replace("name: t", "name: !!str t"))
    assert code == 0, stderr
    assert "1 manifest valid: 1 xyops.Tag" in stderr


def test_a_missing_api_version_says_whose_kind_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: 'kind: Tag' without an apiVersion was also "unknown kind 'Tag'; expected
    one of Question, AlertRule, ..." (JupiterOne's), though Tag is xyOps's kind and the
    apiVersion is what is missing."""
    text = DOCUMENT.replace("apiVersion: {}\n", "")
    code, output = validate(tmp_path, monkeypatch, text)
    assert code == 1, output
    assert output.splitlines()[:2] == [
        "m/a.yaml:1:1: Tag/t: apiVersion: required field 'apiVersion' is missing; 'Tag' is a "
        "kind of xyOps (apiVersion: xyops.j1sync/v1)",
        "1 manifest error",
    ]
