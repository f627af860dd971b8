"""`j1sync --color auto|always|never`, NO_COLOR and FORCE_COLOR, through the CLI against
the emulator: ANSI codes where asked for, none where not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.terminal import color_enabled, is_terminal
from tests.e2e.conftest import API_KEY, Account
from tests.examples import jupiterone_examples

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = str(jupiterone_examples())
ANSI = "\x1b["
UNSET = {"NO_COLOR": "", "FORCE_COLOR": ""}  # empty: not set (no-color.org)


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="demo", api_key=API_KEY) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def plan(account: Account, *flags: str, **env: str) -> str:
    result = account.run(*flags, "plan", EXAMPLES, env={**UNSET, **env})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("flags", "env", "coloured"),
    [
        ((), {}, False),  # auto, and the test runner's stdout is no terminal
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"NO_COLOR": "1"}, False),
        ((), {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins
        (("--color", "always"), {}, True),
        (("--color", "always"), {"NO_COLOR": "1"}, True),  # the flag beats the environment
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--color", "auto"), {"FORCE_COLOR": "1"}, True),
    ],
)
def test_the_plan_is_coloured_exactly_when_asked(
    account: Account, flags: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    assert (ANSI in plan(account, *flags, **env)) is coloured


def test_coloured_and_plain_plans_say_the_same(account: Account) -> None:
    coloured = plan(account, "--color", "always")
    plain = plan(account, "--color", "never")
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_apply_lines_follow_the_colour_flag(account: Account) -> None:
    account.emu.switches.fail_mutation("updateQuestion")
    never = account.run("--color", "never", "apply", EXAMPLES, "--auto-approve", env=UNSET)
    assert never.exit_code == 1, never.output
    assert "failed  update Question/" in never.stdout
    assert ANSI not in never.output
    always = account.run("--color", "always", "apply", EXAMPLES, "--auto-approve", env=UNSET)
    assert always.exit_code == 1, always.output
    assert f"{ANSI}1;31mfailed" in always.stdout  # the failure stands out
    assert ANSI not in always.stderr  # no terminal there: plain progress lines


def test_a_bad_colour_is_a_usage_error(account: Account) -> None:
    result = account.run("--color", "sometimes", "plan", EXAMPLES)
    assert result.exit_code == 1
    assert "'sometimes' is not one of 'auto', 'always', 'never'" in result.output


class FakeStream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "env", "coloured"),
    [
        (True, {"TERM": "xterm-256color"}, True),
        (True, {"TERM": "dumb"}, False),
        (True, {"TERM": "xterm", "NO_COLOR": "1"}, False),
        (False, {}, False),
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": ""}, False),
    ],
)
def test_auto_colours_a_terminal_unless_the_environment_says_otherwise(
    tty: bool, env: dict[str, str], coloured: bool
) -> None:
    assert color_enabled("auto", FakeStream(tty), env) is coloured


def test_a_dumb_terminal_gets_no_live_display() -> None:
    assert is_terminal(FakeStream(True), {"TERM": "xterm"})
    assert not is_terminal(FakeStream(True), {"TERM": "dumb"})
    assert not is_terminal(FakeStream(False), {"TERM": "xterm"})
