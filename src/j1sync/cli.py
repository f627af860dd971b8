"""The `j1sync` command line: a click group whose commands live in j1sync.commands.*.

Thin by design: commands parse options and call the engine; errors are mapped to exit
codes here and nowhere else.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import importlib
import importlib.util
import logging
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import click

from j1sync import __version__
from j1sync.commands._exits import DEBUG_ENV, debug_flag, exit_codes_help, fail
from j1sync.entry import own_process
from j1sync.terminal import COLOR_KEY, COLOR_MODES, ColorMode, NamedOutput, color_enabled

# command name -> module under j1sync.commands exposing a click command called `command`;
# a system may add its own (System.extras[SYSTEM_COMMANDS]: name -> full module name)
COMMANDS: dict[str, str] = {
    "validate": "validate",
    "schema": "schema",
    "plan": "plan",
    "apply": "apply",
    "drift": "drift",
    "export": "export",
    "emulator": "emulator",
    "github": "github",
    "unlock": "unlock",
}
SYSTEM_COMMANDS = "commands"


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so `j1sync validate`
    never pays for gql or the emulator."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        modules = {**_modules(COMMANDS), **_system_commands()}
        return sorted(name for name, module in modules.items() if _module_exists(module))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """click's main, with every failure (usage errors included) reported and mapped to
        an exit code by j1sync.commands._exits: click's own mapping exits 2 on a usage
        error, the code that means "changes present" to CI."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        token = debug_flag.set(False)
        try:
            try:
                code = super().main(args, prog_name, complete_var, False, **extra)
            except Exception as exc:
                fail(exc)
            except KeyboardInterrupt as exc:
                fail(exc)
            sys.exit(code if isinstance(code, int) else 0)
        finally:
            debug_flag.reset(token)

    def invoke(self, ctx: click.Context) -> Any:
        """The command, a Ctrl-C while it loads (its module imported on demand) included:
        reported here as every interrupt is (`fail`), before click's main would add an
        empty line to stderr ahead of it."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            fail(exc)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A misspelt command gets the nearest one's name (click suggests only among
        commands it holds, and this group loads them on demand)."""
        name = args[0] if args else ""
        if (
            not ctx.resilient_parsing
            and not name.startswith("-")
            and self.get_command(ctx, name) is None
        ):
            near = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            if near:
                ctx.fail(f"No such command {name!r}. Did you mean {near[0]!r}?")
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # j1sync's own commands without the registry (which imports every system's models)
        module_name = _modules(COMMANDS).get(cmd_name) or _system_commands().get(cmd_name)
        if module_name is None or not _module_exists(module_name):
            return None
        module = importlib.import_module(module_name)
        command: click.Command = module.command
        return command


def _modules(commands: dict[str, str]) -> dict[str, str]:
    return {name: f"j1sync.commands.{module}" for name, module in commands.items()}


def _system_commands() -> dict[str, str]:
    """The commands the registered systems add (e.g. a rule pack import)."""
    from j1sync.providers.registry import systems

    found: dict[str, str] = {}
    for system in systems():
        found.update(system.extras.get(SYSTEM_COMMANDS, {}))
    return found


def _module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_help(),
)
@click.version_option(__version__, prog_name="j1sync")
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV,
    show_envvar=True,
    help="Show the traceback of an unexpected error.",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_MODES),
    default="auto",
    show_default=True,
    help="Colour the output. auto: on a terminal, off with NO_COLOR, on with FORCE_COLOR.",
)
def cli(debug: bool, color: ColorMode) -> None:
    """Manage the configuration of several systems as code (each manifest's apiVersion
    names its system)."""
    from j1sync.engine.sensitive import forget_secrets

    forget_secrets()
    if debug:
        debug_flag.set(True)
    ctx = click.get_current_context()
    ctx.meta[COLOR_KEY] = color
    # click.echo strips ANSI codes from what is not a terminal unless told otherwise
    ctx.color = color_enabled(color, sys.stdout)
    _log_warnings_to_stderr()


class _StderrHandler(logging.Handler):
    """Writes j1sync's warnings (e.g. API retries, long waits for a quota) to whatever
    stderr is now: click's test runner swaps it per invocation, and so does a terminal's
    spinner or bar while it shows (rich prints what is written there above it; written
    past it, a line was spliced onto the spinner's), so the stream is sys.stderr as it
    is at each line, not bound once at setup."""

    def emit(self, record: logging.LogRecord) -> None:
        from j1sync.commands._common import redact

        click.echo(redact(f"j1sync: {self.format(record)}"), file=sys.stderr)


def _log_warnings_to_stderr() -> None:
    logger = logging.getLogger("j1sync")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def main(argv: list[str] | None = None) -> Any:
    """The `j1sync` process: SIGTERM stops it as Ctrl-C does, and a second one at once."""
    from j1sync import interrupts
    from j1sync.commands._exits import ERROR

    if sys.stdout is None:  # started with it closed (`j1sync plan >&-`): not output to nowhere
        if sys.stderr is not None:
            sys.stderr.write("Error: standard output is closed\n")
        return ERROR
    sys.stdout = NamedOutput(sys.stdout)
    interrupts.install()
    tune_interpreter()
    return cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="j1sync")


# The `j1sync` process's interpreter settings: decided here, for the whole process, and
# nowhere else (library calls leave the interpreter as they found it).
GC_THRESHOLDS = (50_000, 200, 10)
SWITCH_INTERVAL_S = 0.0005


def tune_interpreter() -> None:
    """A command builds millions of objects that live until it ends (manifests, pages of
    JSON, models) and makes few reference cycles. With the default thresholds the cycle
    collector walked them all again and again as the heap grew (full passes of 100-300 ms
    at 10,000 objects, every thread stopped): now young objects are checked every 50,000
    allocations, the middle generation every 10 million (it was every million: in a plan
    of 20,000 objects such a pass walked ~1 million live objects for ~0.5 s, every thread
    stopped, to free a few hundred; such a plan makes ~2.5 million), a full pass comes
    after 100 million, and what the imports made is frozen out of every pass. The switch
    interval lets a thread waiting on the network have the interpreter lock within 0.5 ms
    of its response, not 5 ms, while another thread computes (the manifests load while
    the account is read)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL_S)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """While a command makes its plan, in the `j1sync` process (`entry.own_process`): the
    cycle collector off; then what was built is frozen out of its passes (it lives until
    the process leaves: entry.keep_until_exit) and it is on again. Making a plan frees
    almost nothing the collector would find (next to no reference cycles), yet each pass
    over the young objects stops every thread for a few milliseconds, the reading
    threads' included: at 20,000 objects on 2 cores those passes cost the plan ~0.1 s of
    wall time (the rules' page chain waited while the manifests loaded) and ~0.4 s of
    CPU. Without the freeze, the first pass after would walk every object the plan made
    (~0.25 s). A library caller's collector is left as it is."""
    paused = own_process() and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            settle_built()
            gc.enable()


def settle_built() -> None:
    """What the process has built so far lives as long as it does (`emulator serve`'s
    seeded account, once built): out of every pass of the cycle collector, whose full
    passes over tens of thousands of objects stalled every request in flight."""
    gc.freeze()
