"""What every command shares: turning j1sync's errors into a message and an exit code."""

from __future__ import annotations

import dataclasses
import functools
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from j1sync.commands._exits import fail
from j1sync.commands.numbers import FiniteFloatRange
from j1sync.connection import ConnectionOptions
from j1sync.credentials import credential_values
from j1sync.engine.sensitive import redact_key, redact_secrets
from j1sync.entry import keep_until_exit
from j1sync.errors import ConfigError, ManifestProblem
from j1sync.http.retry import (
    DEFAULT_RETRY_BUDGET_S,
    DEFAULT_TIMEOUT_S,
    ENV_RATE_LIMIT,
    ENV_TIMEOUT,
    MAX_TIMEOUT_S,
    MIN_TIMEOUT_S,
)
from j1sync.interrupts import read_answer
from j1sync.manifest.loader import ALLOW_EMPTY_FLAG
from j1sync.terminal import COLOR_KEY, ColorMode, Stream, color_enabled, visible_controls

if TYPE_CHECKING:
    from j1sync.engine.contract import Provider
    from j1sync.reconcile import PlannedRun

F = TypeVar("F", bound=Callable[..., Any])

CONNECTION_FLAGS = ("emulator", "timeout", "retry_budget_s", "rate_limit")
# A system's own connection flags: System.extras[SYSTEM_CONNECTION_OPTIONS]() -> a
# (parameter name, click option) per flag (an account, a region...).
SYSTEM_CONNECTION_OPTIONS = "connection_options"


def redact(text: str, *, values: bool = True) -> str:
    """Remove every credential (credentials.py: the systems' API keys, the plan key, the
    GitHub token), and every secret a plan masked (`values`: the manifests' `${env:}`
    values, engine/sensitive.remember_secrets), from text that is about to leave the
    process; its control characters shown, not sent (terminal.visible_controls)."""
    shown = text
    for key in credential_values():
        shown = redact_key(shown, key)
    if values:
        shown = redact_secrets(shown)
    if shown != text:
        shown = _without_stray_carets(text, shown)
    return visible_controls(shown)


def redacted_problem(problem: ManifestProblem) -> ManifestProblem:
    """`problem` with the secrets taken out of what may quote a value (its message and
    excerpt), not out of where it is (a file named `prod/rule.yaml` with `${env:STAGE}`
    set to `prod` elsewhere) nor out of its document's address (a name is shown as it
    is): the text is then given to `redact(..., values=False)` for the credentials."""
    excerpt = redact(problem.excerpt) if problem.excerpt else problem.excerpt
    return dataclasses.replace(problem, message=redact(problem.message), excerpt=excerpt)


_CARETS = re.compile(r"[ \t]*\^+[ \t]*")


def _without_stray_carets(text: str, shown: str) -> str:
    """`shown` (`text` with secrets replaced) without the caret line under a source line
    that lost a secret: its carets were placed by the text as written, and would point
    into the mask or past it."""
    before, after = text.split("\n"), shown.split("\n")
    if len(before) != len(after):  # a secret held a line break: no line can be trusted
        return "\n".join(line for line in after if not _CARETS.fullmatch(line))
    return "\n".join(
        line
        for index, line in enumerate(after)
        if not (index and before[index - 1] != after[index - 1] and _CARETS.fullmatch(line))
    )


def system_option(whose: str) -> Callable[[F], F]:
    """`--system NAME` (default: the first system), handed to the command as `system: System`;
    a name no registered system has is a usage error with a "did you mean". The help says
    `whose` (e.g. "Whose objects") and lists the registered systems."""
    from j1sync.providers.registry import UNQUALIFIED_SYSTEM, systems

    return click.option(
        "--system",
        "system",
        default=UNQUALIFIED_SYSTEM,
        show_default=True,
        callback=_chosen_system,
        help=f"{whose}: {', '.join(s.name for s in systems())}.",
    )


def _chosen_system(ctx: click.Context, param: click.Parameter, value: str) -> Any:
    from j1sync.providers.registry import closest, system_named, systems

    found = system_named(value)
    if found is None:
        names = [s.name for s in systems()]
        near = closest(value, names)
        hint = f"did you mean '{near}'?" if near else f"one of {', '.join(names)}"
        raise click.BadParameter(f"no system {value!r}; {hint}")
    return found


def kind_of_system(system: Any, kind: str) -> str:
    """`--kind Event` (or `xyops.Event`) of `system` -> the bare kind; another is a usage
    error with a "did you mean"."""
    from j1sync.providers.registry import closest, systems

    bare = kind.removeprefix(f"{system.name}.")
    if bare in system.kinds:
        return str(bare)
    near = closest(bare, list(system.kinds))
    hint = f"did you mean '{near}'?" if near else f"one of {', '.join(system.kinds)}"
    # another system's kind (`xyops.Tag` or `Label` without that system's --system)
    owners = [s for s in systems() if s is not system and kind in (*s.kinds, *s.engine_kinds)]
    if owners:
        hint = f"it is a kind of {' and '.join(s.title for s in owners)}: " + " or ".join(
            f"--system {s.name} --kind {kind.rpartition('.')[2]}" for s in owners
        )
    raise click.BadParameter(
        f"{kind!r} is not a kind of {system.title}; {hint}", param_hint="'--kind'"
    )


def handle_errors(func: F) -> F:
    """Map any error to its message and exit code (j1sync.commands._exits.fail): never a
    traceback. Unexpected exceptions are reported as internal errors, exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except (Exception, KeyboardInterrupt) as exc:
            fail(exc)

    return wrapper  # type: ignore[return-value]


# A run whose paths hold no manifest would plan to delete every managed object: an error
# unless asked for (as Argo CD's allowEmpty); the safety gate still blocks deleting a
# kind's every managed object without --force.
allow_empty_option = click.option(
    ALLOW_EMPTY_FLAG,
    is_flag=True,
    help="Accept paths that hold no manifest (an error otherwise).",
)

# The manifests a command reads (none: j1sync.yaml's `paths`, else the current folder).
paths_argument = click.argument("paths", nargs=-1, type=click.Path(exists=True))

# export and import-rule-pack: what they may do to a folder that already holds files
write_into_nonempty_option = click.option(
    "--force",
    is_flag=True,
    help="Write into a non-empty folder (same-named files are overwritten).",
)

DEFAULT_OUT_DIR = "manifests"  # where export and import-rule-pack write


def out_dir_option(help: str) -> Callable[[F], F]:
    """export's and import-rule-pack's `--out DIR`."""
    return click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False),
        default=DEFAULT_OUT_DIR,
        show_default=True,
        help=help,
    )


@contextmanager
def planning(
    paths: tuple[str, ...],
    connection: ConnectionOptions,
    allow_empty: bool,
    while_reading: Callable[[], object] | None = None,
) -> Iterator[tuple[Provider, PlannedRun]]:
    """plan's and drift's way to the plan (`reconcile.connect_and_plan`, `while_reading`
    its): the command's connection flags, the reading progress on stderr, the cycle
    collector paused until the command is done (cli.collector_paused). The run lives
    until the process leaves (entry.keep_until_exit): freeing it would only delay the
    exit."""
    from j1sync.cli import collector_paused
    from j1sync.output.progress import progress_for_stderr
    from j1sync.reconcile import connect_and_plan, connect_with

    reading = progress_for_stderr(color_mode()).reading
    planned = connect_and_plan(
        paths,
        connect_with(connection),
        reading,
        allow_empty=allow_empty,
        while_reading=while_reading,
    )
    with collector_paused(), planned as (provider, run):
        keep_until_exit(provider, run)
        yield provider, run


# How plan and drift print a plan (the renderers of j1sync.output).
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull request, json for machines.",
)


def connection_options(func: F) -> F:
    """--emulator, the connection flags every system's connection shares, and those the
    systems add (extras connection_options), for plan, apply, drift, export and unlock:
    handed to the command as one `connection: ConnectionOptions` argument (a system's own
    flags in its `flags`, by parameter name)."""
    system_flags = _system_connection_options()

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        flags = {name: kwargs.pop(name) for name in CONNECTION_FLAGS}
        own = {name: kwargs.pop(name) for name, _ in system_flags}
        return func(*args, connection=ConnectionOptions(**flags, flags=own), **kwargs)

    options = [
        click.option(
            "--emulator",
            is_flag=True,
            help="Run against each system's emulator (its state in .j1sync/).",
        ),
        *(option for _, option in system_flags),
        click.option(
            "--timeout",
            "timeout",
            type=FiniteFloatRange(min=MIN_TIMEOUT_S, max=MAX_TIMEOUT_S),
            default=DEFAULT_TIMEOUT_S,
            show_default=True,
            envvar=ENV_TIMEOUT,
            show_envvar=True,
            metavar="SECONDS",
            help="How long one request waits for the server's answer.",
        ),
        click.option(
            "--retry-budget",
            "retry_budget_s",
            type=FiniteFloatRange(min=0),
            default=DEFAULT_RETRY_BUDGET_S,
            show_default=True,
            envvar="J1SYNC_RETRY_BUDGET",
            show_envvar=True,
            metavar="SECONDS",
            help="How long one request may keep retrying rate limits and server errors.",
        ),
        click.option(
            "--rate-limit",
            envvar=ENV_RATE_LIMIT,
            show_envvar=True,
            metavar="N/SECONDS",
            callback=_rate_limit,
            help="Send at most N requests per SECONDS (client-side), e.g. 10/1.",
        ),
    ]
    decorated: Any = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def _system_connection_options() -> list[tuple[str, Callable[[Any], Any]]]:
    return _contributed_options(SYSTEM_CONNECTION_OPTIONS)


def _contributed_options(key: str) -> list[tuple[str, Callable[[Any], Any]]]:
    """Every system's extras[key](): a (parameter name, click option) per flag."""
    from j1sync.providers.registry import systems

    found: list[tuple[str, Callable[[Any], Any]]] = []
    for system in systems():
        contributed = system.extras.get(key)
        found.extend(contributed() if contributed is not None else ())
    return found


def system_options(key: str) -> Callable[[F], F]:
    """The flags the systems add to a command (System.extras[key]() -> a (parameter name,
    click option) per flag: a `plan` check, an emulator's switch), handed to the command
    as one `system_flags` argument: system name -> {parameter name: value}."""
    from j1sync.providers.registry import systems

    contributed = [
        (system.name, name, option)
        for system in systems()
        for name, option in (system.extras[key]() if key in system.extras else ())
    ]

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            flags: dict[str, dict[str, Any]] = {}
            for owner, name, _ in contributed:
                flags.setdefault(owner, {})[name] = kwargs.pop(name)
            return func(*args, system_flags=flags, **kwargs)

        decorated: Any = wrapper
        for _, _, option in reversed(contributed):
            decorated = option(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate


def foreign_flags(system: Any, system_flags: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The flags of `system_flags` that another system than `system` added and that the
    command line (or the environment) gave: they mean nothing to `system`."""
    ctx = click.get_current_context()
    given = []
    for owner, flags in system_flags.items():
        if owner == system.name:
            continue
        for name in flags:
            source = ctx.get_parameter_source(name)
            if source is not None and source is not ParameterSource.DEFAULT:
                given.append("--" + name.replace("_", "-"))
    return given


def _rate_limit(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    from j1sync.http.ratelimit import RateLimit

    if value is None:
        return None
    try:
        return RateLimit.parse(value)
    except ConfigError as exc:
        raise click.BadParameter(str(exc)) from exc


def color_mode() -> ColorMode:
    """`j1sync --color`, for the command that runs now ("auto" outside one)."""
    ctx = click.get_current_context(silent=True)
    mode: ColorMode = ctx.meta.get(COLOR_KEY, "auto") if ctx is not None else "auto"
    return mode


def use_color(stream: Stream | None = None) -> bool:
    """Colours on `stream` (default stdout): j1sync.terminal decides."""
    return color_enabled(color_mode(), sys.stdout if stream is None else stream)


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def ask_yes(question: str, *, flag: str, refused: Callable[[str], Exception]) -> None:
    """Ask on the terminal; only "yes" goes on. No terminal to ask on is a refusal naming
    `flag` (the way to go on without asking). Ctrl-C at the question, at any moment, is an
    interrupt (exit 130; see interrupts.read_answer), not a refusal; end of input is a
    refusal."""
    if not stdin_is_terminal():
        raise refused(f"confirmation needed and there is no terminal to ask on; pass {flag}")
    click.echo(f"{question} Only 'yes' will be accepted: ", nl=False)
    if read_answer().strip() != "yes":
        raise refused("Cancelled: nothing was changed.")
