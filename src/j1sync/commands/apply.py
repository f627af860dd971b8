"""`j1sync apply`: make the account match the manifests (or exactly a saved plan)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import click

from j1sync.cli import collector_paused
from j1sync.commands._common import (
    allow_empty_option,
    ask_yes,
    color_mode,
    connection_options,
    handle_errors,
    paths_argument,
    redact,
    use_color,
)
from j1sync.commands._exits import INTERRUPTED
from j1sync.commands.numbers import FiniteFloatRange
from j1sync.commands.plan import run_plan_checks
from j1sync.commands.reporting import echo_plan, read_saved_plan
from j1sync.connection import ConnectionOptions
from j1sync.engine.contract import LiveObject, Provider, RewritesOnRequest
from j1sync.engine.plan import Plan, plan_has_changes
from j1sync.engine.safety import raise_if_unsafe
from j1sync.engine.stale import check_stale
from j1sync.entry import keep_until_exit
from j1sync.errors import ConfigError, J1SyncError
from j1sync.executor import ApplyEvent, ApplyResult, EventHandler, apply_plan
from j1sync.interrupts import Interrupted, StoppableRetries, StopRequest, graceful_stop
from j1sync.manifest.document import ProjectConfig
from j1sync.output.apply_report import closing_line, finish_hint, interrupted_hint, styled
from j1sync.output.progress import ProgressReporter, progress_for_stderr
from j1sync.output.values import (
    NO_CHANGES,
    alike_addresses,
    pruning_note,
    report_title,
    summary_line,
)
from j1sync.plan_trust import (
    check_deletes_allowed,
    check_emulator,
    check_trusted,
    saved_plan_project,
)
from j1sync.reconcile import (
    Connect,
    account_lock,
    connect_and_plan,
    connect_with,
    kinds_to_check,
    read_holders,
)

# Ctrl-C or SIGTERM before the first change (the lock being taken, the account read, the
# question asked): said so, for the CI log reader who must know whether anything changed.
NOTHING_APPLIED = "Interrupted. Nothing was applied: apply stopped before its first change."


class ApplyRefused(J1SyncError):
    """The user did not approve, or there is no terminal to ask and no --auto-approve."""


@click.command("apply")
@paths_argument
@click.option(
    "--plan",
    "plan_file",
    # readable=False: an unreadable file is read_saved_plan's one-line error, not click's
    # usage text (as a missing one is)
    type=click.Path(readable=False),
    help="Apply exactly this saved plan (from `plan --out`); refused when stale, changed "
    "since j1sync wrote it, or made for another account.",
)
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--show-plan",
    is_flag=True,
    help="Print the whole plan before applying, also with --auto-approve (which otherwise "
    "prints its summary line only).",
)
@click.option("--force", is_flag=True, help="Proceed even when a safety limit blocks the plan.")
@allow_empty_option
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=4,
    show_default=True,
    help="Independent changes applied at once.",
)
@click.option(
    "--lock-timeout",
    "lock_timeout_s",
    type=FiniteFloatRange(min=0),
    default=0,
    show_default=True,
    envvar="J1SYNC_LOCK_TIMEOUT",
    show_envvar=True,
    metavar="SECONDS",
    help="How long to wait while another apply holds the account's lock (0: stop at once).",
)
@click.option(
    "--rotate",
    "rotate",
    multiple=True,
    metavar="NAME",
    help="Write this secret Parameter again even though it looks unchanged (repeatable).",
)
@connection_options
@handle_errors
def command(
    paths: tuple[str, ...],
    plan_file: str | None,
    auto_approve: bool,
    show_plan: bool,
    force: bool,
    allow_empty: bool,
    concurrency: int,
    lock_timeout_s: float,
    rotate: tuple[str, ...],
    connection: ConnectionOptions,
) -> None:
    """Apply the manifests (or a saved plan) to the account."""
    if plan_file and paths:
        raise click.UsageError("give either PATHS or --plan, not both")
    if plan_file and rotate:
        raise click.UsageError("--rotate needs PATHS: a saved plan is applied as it was made")
    saved = read_saved_plan(Path(plan_file)) if plan_file else None
    progress = progress_for_stderr(color_mode())
    approval = Approval(
        auto_approve, show_plan or not auto_approve, saved is not None, connection.emulator
    )
    connect = rotating(connect_with(replace(connection, concurrency=concurrency)), rotate)
    report = _Report(saved_plan=saved is not None)
    with (
        report.nothing_applied_if_interrupted(),
        report.closed_before_errors(),
        ExitStack() as until_let_go,
    ):
        stopping = report.stopping = _Stopping(until_let_go)
        if saved is not None:
            check_emulator(saved, emulator=connection.emulator)
            project = saved_plan_project(saved)  # j1sync.yaml as the plan read it
            with connect(project) as provider:
                changed = check_trusted(saved, provider, emulator=connection.emulator)
                if changed:
                    click.echo(redact(f"Warning: {changed}"), err=True)
                with account_lock(provider, lock_timeout_s):
                    with progress.reading():
                        kinds, holders = kinds_to_check(saved.plan, provider, project)
                        live = [*provider.read_live(kinds), *read_holders(provider, holders)]
                    keep_until_exit(provider, live)  # freeing them would only delay the exit
                    check_deletes_allowed(saved, provider, project, live)
                    check_stale(saved.plan, live)
                    report.result = _apply(
                        saved.plan,
                        provider,
                        _Account(provider, live, project, progress),
                        force,
                        approval,
                        concurrency,
                        progress,
                        stopping,
                    )
        else:
            planned = connect_and_plan(
                paths,
                connect,
                progress.reading,
                allow_empty=allow_empty,
                lock_timeout_s=lock_timeout_s,
            )
            with ExitStack() as stack:
                with collector_paused():  # on again for the changes
                    provider, run = stack.enter_context(planned)
                keep_until_exit(provider, run)  # freeing them would only delay the exit
                run_plan_checks(provider, run, {})  # as plan's, before any change
                account = _Account(provider, run.live, run.manifests.project, progress)
                report.result = _apply(
                    run.plan, provider, account, force, approval, concurrency, progress, stopping
                )
    result = report.result
    if result is None:
        return
    report.close()
    if result.interrupted:
        click.echo(interrupted_hint(result, saved_plan=saved is not None), err=True)
        sys.exit(INTERRUPTED)
    if not result.ok:
        sys.exit(1)


def rotating(connect: Connect, names: Sequence[str]) -> Connect:
    """`connect`, its provider's kinds told which objects `--rotate` names."""
    if not names:
        return connect

    @contextmanager
    def connect_rotating(project: ProjectConfig) -> Iterator[Provider]:
        with connect(project) as provider:
            rotators = [kind for kind in provider.kinds if isinstance(kind, RewritesOnRequest)]
            if not rotators:  # else each named object is checked by the kind that takes it
                raise ConfigError(
                    f"--rotate {', '.join(names)}: no system of this run has secrets to write "
                    "again (no kind of theirs writes an object again on request)"
                )
            for kind in rotators:
                kind.rotate(names)
            yield provider

    return connect_rotating


@dataclass(frozen=True)
class Approval:
    """How apply gets its go-ahead: asked, after the whole plan; or given up front
    (--auto-approve), after the plan's summary line or, with --show-plan, the whole plan."""

    auto_approve: bool
    show_plan: bool
    saved_plan: bool = False  # a saved plan: what to say when the apply stops early
    emulator: bool = False  # against the emulators: the report's first line says so


@dataclass
class _Account:
    """The live objects a plan was made from (or checked against), and how to read them
    again: a plan shown and approved at the prompt is checked once more against the
    account as it is then (a hand edit made while the prompt waited is refused as stale,
    never overwritten unseen), and applied from that read."""

    provider: Provider
    live: list[LiveObject]
    project: ProjectConfig
    progress: ProgressReporter

    def read_again(self, plan: Plan) -> list[LiveObject]:
        with self.progress.reading():
            kinds, holders = kinds_to_check(plan, self.provider, self.project)
            live = [*self.provider.read_live(kinds), *read_holders(self.provider, holders)]
        check_stale(plan, live)
        return live


def _apply(
    plan: Plan,
    provider: Provider,
    account: _Account,
    force: bool,
    approval: Approval,
    concurrency: int,
    progress: ProgressReporter,
    stopping: _Stopping,
) -> ApplyResult | None:
    """Show the plan, check it and ask, then apply it; None when there is nothing to do."""
    note = pruning_note(plan)
    with _writing_report(None):  # flushed (click.echo) before any change
        whole_plan = approval.show_plan and plan_has_changes(plan)
        if approval.emulator and not whole_plan:  # else the plan's own heading says it
            click.echo(report_title("j1sync apply", emulator=True))
        if not plan_has_changes(plan):
            click.echo(NO_CHANGES)
            if note:
                click.echo(note)
            return None
        if whole_plan:
            echo_plan(plan, "text", title="j1sync apply", emulator=approval.emulator)
        else:
            click.echo(summary_line(plan))
            if note:
                click.echo(note)
    raise_if_unsafe(plan, force)
    _confirm(approval.auto_approve)
    live = account.live if approval.auto_approve else account.read_again(plan)
    retries = provider if isinstance(provider, StoppableRetries) else None
    stop = stopping.start(retries.stop_retries if retries else None)
    progress.alike = alike_addresses(plan)  # each change's line names it as the plan did
    report = _StoppingReport(progress.on_apply_event, stop)
    result = apply_plan(plan, provider, live, concurrency=concurrency, on_event=report, stop=stop)
    if retries is not None:
        retries.resume_retries()  # what follows the changes (e.g. the lock) retries again
    if report.failure is not None:
        failure = _unwritable(report.failure, result, saved_plan=approval.saved_plan)
        raise UnwritableReport(failure) from report.failure
    return result


class _Stopping:
    """Ctrl-C and SIGTERM from apply's first change until it has let go of the account
    (its lock released, its connections closed): the first one stops new changes from
    starting (`graceful_stop`); one that comes once the changes are done no longer cuts
    the lock's release short (the lock was left behind, and the report never printed):
    apply releases it, reports, and exits 130."""

    def __init__(self, until_let_go: ExitStack) -> None:
        self._until_let_go = until_let_go
        self._stop: StopRequest | None = None

    @property
    def started(self) -> bool:
        """Whether the changes were reached: from then on a signal is this stop request's."""
        return self._stop is not None

    def start(self, give_up_in_flight: Callable[[], None] | None) -> StopRequest:
        """The stop request the changes heed, from now until apply lets go."""
        self._stop = self._until_let_go.enter_context(graceful_stop(give_up_in_flight))
        return self._stop

    @property
    def requested(self) -> bool:
        return self._stop is not None and self._stop.is_set()


@dataclass
class _Report:
    """apply's report once the changes ran (`result`; None before): each change's line was
    written as it completed (j1sync.output.progress), the closing line is `close()`'s."""

    saved_plan: bool
    result: ApplyResult | None = None
    stopping: _Stopping | None = None

    def close(self) -> None:
        """The closing line (none before the changes ran)."""
        result = self.result
        if result is None:
            return
        if self.stopping is not None and self.stopping.requested:  # also once all were done
            result.interrupted = True
        with _writing_report(result, saved_plan=self.saved_plan):
            click.echo(styled(closing_line(result), use_color()))

    @contextmanager
    def nothing_applied_if_interrupted(self) -> Iterator[None]:
        """An interrupt before the changes were reached (`_Stopping.start`, just before the
        first change) is reported as such: nothing was applied."""
        try:
            yield
        except KeyboardInterrupt as exc:
            if self.stopping is not None and self.stopping.started:
                raise
            raise Interrupted(NOTHING_APPLIED) from exc

    @contextmanager
    def closed_before_errors(self) -> Iterator[None]:
        """An error once the changes ran (the apply lock found lost as apply lets go of
        it) comes after the closing line, as every failed apply's report ends."""
        try:
            yield
        except J1SyncError:
            self.close()
            raise


class UnwritableReport(J1SyncError):
    """apply's report (stdout, or progress on stderr) could not be written: exit 1."""


@dataclass
class _StoppingReport:
    """apply's report of each change, as `progress` writes it; a line that cannot be
    written (a closed pipe, a full disk) stops the apply as Ctrl-C does: no change starts
    after it, those in flight finish, and the command fails saying what was applied."""

    write: EventHandler
    stop: threading.Event
    failure: OSError | None = None

    def __call__(self, event: ApplyEvent) -> None:
        if self.failure is not None:
            return  # nothing more is written where writing failed
        try:
            self.write(event)
        except OSError as exc:
            self.failure = exc
            self.stop.set()


@contextmanager
def _writing_report(result: ApplyResult | None, *, saved_plan: bool = False) -> Iterator[None]:
    """apply's output, written (and flushed) where it goes: one that cannot be written is
    an error saying so and what was applied (`result`; None: before any change)."""
    try:
        yield
    except OSError as exc:
        raise UnwritableReport(_unwritable(exc, result, saved_plan=saved_plan)) from exc


def _unwritable(exc: OSError, result: ApplyResult | None, *, saved_plan: bool) -> str:
    where = f"cannot write apply's output ({exc.strerror or exc})"
    if result is None:
        return f"{where}: stopped before any change; nothing was applied"
    applied, total = result.counts["applied"], len(result.outcomes)
    if result.ok:
        return f"{where}: all {total} changes were applied"
    return (
        f"{where}: no change was started after it; {applied} of {total} changes applied, "
        f"{result.not_started} not started. " + finish_hint(saved_plan)
    )


def _confirm(auto_approve: bool) -> None:
    if not auto_approve:
        ask_yes("Apply these changes?", flag="--auto-approve", refused=ApplyRefused)
