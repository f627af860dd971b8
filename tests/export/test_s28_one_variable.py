"""export listing one credential variable said "set these 1 variables": one is "this
variable", more are "these N variables"."""

from __future__ import annotations

from tests.export.conftest import Account


def test_one_secret_is_one_variable(base: Account) -> None:
    base.emu.seed_objects({"parameters": [{"name": "token", "value": "s3cr3t", "secret": True}]})
    result = base.export("--kind", "Parameter")
    assert result.exit_code == 0, result.output
    assert "never as values: set this variable to the value in JupiterOne" in result.output
    assert "these 1" not in result.output


def test_two_secrets_are_these_two_variables(base: Account) -> None:
    secrets = [{"name": name, "value": "s3cr3t", "secret": True} for name in ("a", "b")]
    base.emu.seed_objects({"parameters": secrets})
    result = base.export("--kind", "Parameter")
    assert result.exit_code == 0, result.output
    assert "never as values: set these 2 variables to the values in JupiterOne" in result.output
