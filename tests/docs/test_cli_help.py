"""`j1sync --help` and every command's help: each option says what it does, and the exit
codes are listed from the one table in j1sync.commands._exits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.commands._exits import EXIT_CODES

ROOT = Path(__file__).resolve().parents[2]


def every_command() -> Iterator[tuple[str, click.Command]]:
    """(`j1sync plan`, the command) for the group and each command and subcommand."""

    def walk(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        yield path, command
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{path} {name}"
                yield from walk(sub, f"{path} {name}")

    yield from walk(cli, "j1sync")


COMMANDS = dict(every_command())


def test_every_command_of_the_cli_is_walked() -> None:
    assert {"j1sync plan", "j1sync apply", "j1sync emulator serve", "j1sync github comment"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_and_every_option_has_help_text(path: str) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"{path} has no help"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"{path} {'/'.join(param.opts)} has no help"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_help_page_prints(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split()[1:], "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")


def test_main_help_lists_every_exit_code_and_its_meaning() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    help_text = result.output
    assert "Exit codes:" in help_text
    listed = help_text.split("Exit codes:", 1)[1]
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^\s+{code}\s+{re.escape(meaning)}$", listed, re.M), (code, listed)


def test_the_readme_table_has_the_same_exit_codes_as_the_help() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1]
    table = re.search(r"(?:^\|.*\n)+", section, re.M)
    assert table is not None
    codes = [int(code) for code in re.findall(r"^\| (\d+) \|", table.group(0), re.M)]
    assert codes == [code for code, _ in EXIT_CODES]
