"""`--system` and `--kind` (export, schema) and a manifest's `kind` point at the fix.
Before: `--system XYOPS` was "no system 'XYOPS'; one of jupiterone, xyops, opencti" and
`kind: TAG` listed every kind (a "did you mean" ignored case); `--kind xyops.Tag` without
`--system` was "'xyops.Tag' is not a kind of JupiterOne; one of Question, ..." and
`--system xyops --kind Group` offered xyOps's 'ServerGroup' for OpenCTI's Group: neither
said that the kind is another system's, nor which --system has it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

CASES = [
    (
        ["schema", "--system", "XYOPS"],
        "Invalid value for '--system': no system 'XYOPS'; did you mean 'xyops'?",
    ),
    (
        ["schema", "--system", "xyops", "--kind", "TAG"],
        "Invalid value for '--kind': 'TAG' is not a kind of xyOps; did you mean 'Tag'?",
    ),
    (
        ["schema", "--kind", "xyops.Tag"],
        "Invalid value for '--kind': 'xyops.Tag' is not a kind of JupiterOne; it is a kind of "
        "xyOps: --system xyops --kind Tag",
    ),
    (
        ["schema", "--system", "xyops", "--kind", "Group"],
        "Invalid value for '--kind': 'Group' is not a kind of xyOps; it is a kind of OpenCTI: "
        "--system opencti --kind Group",
    ),
    (
        ["export", "--kind", "Role", "--out", "out"],
        "Invalid value for '--kind': 'Role' is not a kind of JupiterOne; it is a kind of xyOps "
        "and OpenCTI: --system xyops --kind Role or --system opencti --kind Role",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_an_option_naming_nothing_is_told_what_it_means(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1"})
    assert result.exit_code != 0, result.output
    assert message in result.stderr, result.stderr
    assert not Path("out").exists()


def test_a_kind_in_other_case_is_offered_the_kind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/a.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: TAG\nmetadata:\n  name: t\nspec:\n  title: T\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "m"])
    assert result.exit_code == 1, result.output
    assert "m/a.yaml:2:7: TAG/t: kind: unknown kind 'TAG'; did you mean 'Tag'?" in result.stderr


def test_an_export_file_of_another_system_names_the_system_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "... it reads those of xyOps (--system)", the option without its value."""
    monkeypatch.chdir(tmp_path)
    Path("f.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", "--from-file", "f.json", "--out", "out"])
    assert result.exit_code != 0, result.output
    assert (
        "j1sync reads no export file of JupiterOne; it reads those of xyOps (--system xyops)"
    ) in result.stderr, result.stderr
    assert not Path("out").exists()
