"""A field a YAML merge key (`<<: *anchor`) brings into a manifest had no position of its
own in ruamel's record of the mapping, so a problem with it (an unknown key, a wrong type)
ended `validate` and `plan` with 'internal error: KeyError'. Now it is placed where the
anchored mapping writes it, merged through any depth."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

MERGED = """base: &base {title: T, bogus: 2, showTrend: "no"}
deeper: &deeper {<<: *base, description: 5}
apiVersion: j1sync/v1
kind: Question
metadata: {name: q1}
spec:
  <<: *deeper
  queries: [{name: query0, query: Find User}]
"""


@pytest.mark.parametrize("debug", [[], ["--debug"]], ids=["plain", "debug"])
def test_problems_of_merged_fields_are_placed_where_the_anchor_writes_them(
    tmp_path: Path, debug: list[str]
) -> None:
    (tmp_path / "m.yaml").write_text(MERGED, encoding="utf-8")
    result = CliRunner().invoke(cli, [*debug, "validate", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    file = tmp_path / "m.yaml"
    assert f"{file}:1:24: Question/q1: spec.bogus: unknown field 'bogus'" in result.output
    assert f"{file}:1:45: Question/q1: spec.showTrend: Input should be a valid boolean" in (
        result.output
    )
    assert f"{file}:2:42: Question/q1: spec.description: Input should be a valid string" in (
        result.output
    )


def test_an_internal_error_of_validate_says_how_to_see_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate reported an unexpected error in words of its own, with neither the
    README's `--debug` hint nor, with --debug, the traceback: now as every command."""
    from j1sync.commands import validate

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(validate, "load_manifests", broken)
    plain = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert plain.exit_code == 1
    assert "internal error: RuntimeError: a bug" in plain.output
    assert "--debug validate" in plain.output and "Traceback" not in plain.output
    debug = CliRunner().invoke(cli, ["--debug", "validate", str(tmp_path)])
    assert debug.exit_code == 1 and "Traceback" in debug.output, debug.output
