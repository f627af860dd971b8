"""The `j1sync` command line: a click group whose commands live in j1sync.commands.*.

Thin by design: commands parse options and call the engine; errors are mapped to exit
codes here and nowhere else.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from typing import Any

import click

from j1sync import __version__

# command name -> module under j1sync.commands exposing a click command called `command`
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "schema": "schema",
    "plan": "plan",
    "apply": "apply",
    "drift": "drift",
    "export": "export",
    "emulator": "emulator",
    "github": "github",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so `j1sync validate`
    never pays for gql or the emulator."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if _module_exists(COMMANDS[name]))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None or not _module_exists(module_name):
            return None
        module = importlib.import_module(f"j1sync.commands.{module_name}")
        command: click.Command = module.command
        return command


def _module_exists(name: str) -> bool:
    return importlib.util.find_spec(f"j1sync.commands.{name}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="j1sync")
def cli() -> None:
    """Manage a JupiterOne account's configuration as code."""
    _log_warnings_to_stderr()


class _StderrHandler(logging.Handler):
    """Writes j1sync's warnings (e.g. API retries) to whatever stderr is now: click's test
    runner swaps it per invocation, so the stream must not be bound once at setup."""

    def emit(self, record: logging.LogRecord) -> None:
        from j1sync.commands._common import redact

        click.echo(redact(f"j1sync: {self.format(record)}"), err=True)


def _log_warnings_to_stderr() -> None:
    logger = logging.getLogger("j1sync")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def main(argv: list[str] | None = None) -> Any:
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="j1sync")
