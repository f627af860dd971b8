"""An internal error's hint is a command that works. Before it said "run with --debug for
details", and the command with --debug added (`j1sync schema --debug`) is a usage error:
--debug is j1sync's own option, given before the command. Now it names the command so:
"run `j1sync --debug schema ...` for details".

The failure comes from a system the test registers (its schema generator raises): no
input is known to make j1sync itself fail this way."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.registry import System, registered
from tests.providers.demo_system import DEMO


def _explode(kind: str | None = None) -> None:
    raise RuntimeError("the demo's schema generator broke")


@pytest.fixture
def broken_demo(monkeypatch: pytest.MonkeyPatch) -> Iterator[System]:
    monkeypatch.delenv("J1SYNC_DEBUG", raising=False)
    with registered(dataclasses.replace(DEMO, extras={"json_schema": _explode})) as system:
        yield system


def test_the_debug_hint_is_a_command_that_runs(broken_demo: System) -> None:
    failed = CliRunner().invoke(cli, ["schema", "--system", "demo"])
    assert failed.exit_code == 1
    assert failed.stderr.splitlines() == [
        "internal error: RuntimeError: the demo's schema generator broke, "
        "run `j1sync --debug schema ...` for details"
    ]
    # as the hint says: --debug before the command
    detailed = CliRunner().invoke(cli, ["--debug", "schema", "--system", "demo"])
    assert detailed.exit_code == 1
    assert "Traceback (most recent call last)" in detailed.stderr
    # what the old hint read as: --debug after the command
    misread = CliRunner().invoke(cli, ["schema", "--system", "demo", "--debug"])
    assert "No such option '--debug'" in misread.stderr
