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


# described once for every command that connects, in the README's text below the block
CONNECTION_OPTIONS = {
    "--emulator",
    "--api-url",
    "--account",
    "--region",
    "--endpoint-mode",
    "--timeout",
    "--retry-budget",
    "--rate-limit",
}


def _readme_command_lines() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Commands", 1)[1].split("```", 2)[1]
    found = []
    for line in block.splitlines():
        match = re.match(r"j1sync ((?:emulator |github )?[a-z-]+)", line)
        if match:
            found.append((f"j1sync {match.group(1)}", line))
    return found


@pytest.mark.parametrize(("path", "line"), _readme_command_lines(), ids=lambda v: v[:40])
def test_the_readme_synopsis_of_a_command_names_its_options_and_only_those(
    path: str, line: str
) -> None:
    """A line of the README's command list names every option of the command but the
    connection flags the text describes (a line ending in `...` says it names some), and
    no option the command does not have."""
    command = COMMANDS[path]
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    spelled = {o for p in options for o in (*p.opts, *p.secondary_opts)}
    synopsis = re.split(r"\s{3,}", line)[0]  # then what the command does
    for written in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", synopsis):
        assert written in spelled, f"README: `{path}` has no {written}"
    if synopsis.endswith("..."):
        return
    for option in options:
        names = [o for o in (*option.opts, *option.secondary_opts) if o.startswith("--")]
        if "--help" in names or CONNECTION_OPTIONS & set(names):
            continue
        assert any(re.search(rf"{re.escape(n)}(?![\w-])", synopsis) for n in names), (
            f"README's line for `{path}` does not name {'/'.join(names)}"
        )


@pytest.mark.parametrize("name", ["comment", "drift-issue", "summary"])
def test_the_github_commands_body_file_help_names_what_the_workflows_post(name: str) -> None:
    """The workflows post plan's report (comment), drift's (drift-issue) and apply's
    (summary --code-block); --body-file's help named plan's output only."""
    option = next(p for p in COMMANDS[f"j1sync github {name}"].params if p.name == "body_file")
    text = " ".join(str(getattr(option, "help", "")).split())
    for named in ("`j1sync plan`", "`j1sync drift`", "apply's output", "`summary --code-block`"):
        assert named in text, (name, text)
