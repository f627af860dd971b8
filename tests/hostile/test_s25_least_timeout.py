"""A --timeout no request can meet (`1e-9`, a typo's `0.0001`) is refused at once: it was
taken, and every read timed out and was retried until the 600 s retry budget ran out, as
if the run hung. The least is http.retry.MIN_TIMEOUT_S, for J1SYNC_TIMEOUT too."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.errors import ConfigError
from j1sync.http.retry import ENV_TIMEOUT, MIN_TIMEOUT_S, seconds_setting


@pytest.mark.parametrize("given", [("--timeout", "1e-9"), ("--timeout", "0.0001")])
def test_s25_a_timeout_below_the_least_is_a_usage_error(
    given: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no emulator state where the suite runs
    result = CliRunner().invoke(cli, ["plan", "--emulator", *given])
    assert result.exit_code == 1, result.output
    assert f"is not in the range {MIN_TIMEOUT_S:g}<=x<=" in result.output
    assert "reading the account" not in result.output


def test_s25_the_variable_is_held_to_the_same_least(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["plan", "--emulator"], env={ENV_TIMEOUT: "0.01"})
    assert result.exit_code == 1 and "0.01 is not in the range" in result.output
    monkeypatch.setenv(ENV_TIMEOUT, "0.01")
    with pytest.raises(ConfigError, match=r"at least 0\.1 seconds"):
        seconds_setting(None, ENV_TIMEOUT, 30.0, MIN_TIMEOUT_S)
    monkeypatch.setenv(ENV_TIMEOUT, "0.1")
    assert seconds_setting(None, ENV_TIMEOUT, 30.0, MIN_TIMEOUT_S) == 0.1
