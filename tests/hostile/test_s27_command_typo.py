"""A misspelt command names the nearest one, whichever click version is installed (click
suggests only among the commands a group holds; j1sync's top level loads them on demand)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def j1sync(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "j1sync", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("typed", "meant"), [("plna", "plan"), ("aply", "apply"), ("valdiate", "validate")]
)
def test_the_nearest_command_is_named(typed: str, meant: str) -> None:
    result = j1sync(typed)

    assert result.returncode == 1
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_suggestion_for_what_is_near_nothing() -> None:
    result = j1sync("xyzzy")

    assert result.returncode == 1
    assert "No such command 'xyzzy'." in result.stderr
    assert "Did you mean" not in result.stderr


@pytest.mark.parametrize(
    ("args", "shown"),
    [(["plan", "--debug"], "j1sync --debug plan ..."), (["validate", ".", "--debug"], None)],
)
def test_debug_after_the_command_says_where_it_goes(args: list[str], shown: str | None) -> None:
    result = j1sync(*args)

    assert result.returncode == 1
    assert "No such option '--debug'. --debug goes before the command: `j1sync --debug " in (
        result.stderr
    )
    assert f"`{shown or 'j1sync --debug validate ...'}`" in result.stderr
