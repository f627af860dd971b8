"""A number no JSON holds is told as its manifest writes it: `value: 1.5e400` said
`.inf is not a number JSON can hold ... quote it (".inf")`, naming what the user never
wrote. The one message (manifest/yaml_source.not_finite_problem) now quotes the text as
written, for every system's manifests and for the JupiterOne emulator's seed files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli

PARAMETER = "apiVersion: j1sync/v1\nkind: Parameter\nmetadata:\n  name: p\nspec:\n  value: {}\n"
LABEL = "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: l\nspec:\n  color: {}\n"
BEYOND = (
    "{0} is beyond any number JSON can hold (it reads as {1}, which the API cannot take "
    'either): write a finite number, or quote it ("{0}") to mean the text'
)
LITERAL = (
    "{0} is not a number JSON can hold (nor can the API take it): write a finite number, "
    'or quote it ("{0}") to mean the text'
)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1.5e400", BEYOND.format("1.5e400", ".inf")),
        ("-1E999", BEYOND.format("-1E999", "-.inf")),
        (".NaN", LITERAL.format(".NaN")),
        ("-.Inf", LITERAL.format("-.Inf")),
    ],
)
@pytest.mark.parametrize(
    ("document", "where"),
    [(PARAMETER, "Parameter/p: spec.value"), (LABEL, "opencti.Label/l: spec.color")],
    ids=["jupiterone", "opencti"],
)
def test_a_number_json_cannot_hold_is_quoted_as_written(
    tmp_path: Path, written: str, message: str, document: str, where: str
) -> None:
    (tmp_path / "m.yaml").write_text(document.format(written), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "m.yaml:6:" in result.output
    assert f"{where}: {message}" in result.output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "seed.yaml",
            "parameters: [{name: a, value: 1.5e400}]\n",
            BEYOND.format("1.5e400", ".inf"),
        ),
        (
            "seed.json",
            '{"parameters": [{"name": "a", "value": -1e999}]}',
            BEYOND.format("-1e999", "-.inf"),
        ),
        ("seed.json", '{"parameters": [{"name": "a", "value": NaN}]}', LITERAL.format("NaN")),
    ],
)
def test_an_emulator_seed_quotes_it_alike(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    seed = tmp_path / name
    seed.write_text(content, encoding="utf-8")
    # the seed is read before anything is served: the command ends on it
    serve = ["emulator", "serve", "--seed", str(seed), "--db", str(tmp_path / "e.db")]
    result = CliRunner().invoke(cli, [*serve, "--port", "0"])
    assert result.exit_code != 0, result.output
    assert f"parameters[0].value: {message}" in result.output
    assert "Traceback" not in result.output
