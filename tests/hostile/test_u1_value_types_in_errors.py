"""A value of the wrong kind or out of range is named by its YAML type in the error. A
number that failed a bound (`rolling_time: 0`, at least 1) or a float where an integer
goes (`x_opencti_order: 1.5`) was shown with the YAML reader's own class, `(got ScalarInt
0)`, `(got ScalarFloat 1.5)`, which no manifest or doc mentions, while a wrong type read
`(got int 5)`. Now each is `int`, `float` (shared: manifest/validation_problems)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli


def test_numbers_are_named_by_their_yaml_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    Path("m/a.yaml").write_text(
        "apiVersion: opencti.j1sync/v1\nkind: MarkingDefinition\nmetadata:\n  name: X\n"
        "spec:\n  definition_type: statement\n  x_opencti_order: 1.5\n---\n"
        "apiVersion: opencti.j1sync/v1\nkind: Feed\nmetadata:\n  name: F1\nspec:\n"
        "  rolling_time: 0\n  separator: 5\n  feed_types: [Report]\n"
        "  feed_attributes: [{attribute: a, mappings: [{type: Report, attribute: name}]}]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", "m"], env={"NO_COLOR": "1"})
    assert result.exit_code == 1, result.output
    for line in (
        "m/a.yaml:7:20: opencti.MarkingDefinition/X: spec.x_opencti_order: Input should be a "
        "valid integer (got float 1.5)",
        "m/a.yaml:14:17: opencti.Feed/F1: spec.rolling_time: Input should be greater than or "
        "equal to 1 (got int 0)",
        "m/a.yaml:15:14: opencti.Feed/F1: spec.separator: Input should be a valid string "
        "(got int 5)",
    ):
        assert line in result.output, result.output
    assert "Scalar" not in result.output
