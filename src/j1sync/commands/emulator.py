"""`j1sync emulator serve|reset`: run a system's local emulator (JupiterOne's unless
`--system` names another registered one), or forget JupiterOne's state."""

from __future__ import annotations

import errno
import gc
import signal
import socket
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Literal

import click

from j1sync.commands._common import handle_errors, system_option
from j1sync.commands._exits import describe_os_error
from j1sync.errors import ConfigError
from j1sync.http.urls import is_loopback

if TYPE_CHECKING:
    from j1sync.providers.registry import System


@click.group(name="emulator")
def command() -> None:
    """A local JupiterOne-compatible API for tests, demos and CI."""


PROBABILITY = click.FloatRange(0.0, 1.0)


def _os_problem(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"{host}:{port} is already in use (another emulator?); choose another --port"
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"cannot listen on {host}: not an address of this machine"
    return describe_os_error(exc)


# A system's own serve entry, in its System.extras (providers/registry.py): called with
# host, port, db, latency_ms, seed, api_key, rate_limit, fail_rate, rate_429,
# lose_responses and echo; it serves until SIGTERM or SIGINT.
SERVE_EXTRA = "serve"
JUPITERONE_PORT = 8765
# The options only JupiterOne's emulator has, with their defaults.
JUPITERONE_ONLY = {
    "account": None,
    "page_size": 100,
    "list_nulls": False,
    "schedule_null": "clears",
    "quotas": None,
    "quota_scale": 1.0,
    "quota_limit_header": "documented",
}


@command.command()
@system_option("Whose emulator: jupiterone, xyops, ... (a registered system).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(0, 65535),
    help=f"Port to listen on (0: any free port, printed on start; default {JUPITERONE_PORT} "
    "for JupiterOne, the system's own otherwise).",
)
@click.option("--db", default=None, help="SQLite file (default .j1sync/emulator.db).")
@click.option(
    "--seed",
    default=None,
    help="Seed file, or 'none' (default: JupiterOne's 'demo', another system's own).",
)
@click.option("--api-key", default=None, help="Key clients must send (default: a fixed demo key).")
@click.option("--account", default=None, help="Account id clients must send.")
@click.option("--latency-ms", default=0, type=click.IntRange(min=0), help="Delay every request.")
@click.option("--rate-limit", default=None, help="N/SECONDS: answer 429 beyond N requests.")
@click.option("--fail-rate", default=0.0, type=PROBABILITY, help="Probability of an injected 5xx.")
@click.option(
    "--rate-429",
    default=0.0,
    type=PROBABILITY,
    help="Probability of an injected 429 (rate limited).",
)
@click.option(
    "--page-size",
    default=100,
    type=click.IntRange(min=1),
    show_default=True,
    help="Objects per page of a list query.",
)
@click.option(
    "--lose-responses",
    default=0.0,
    type=PROBABILITY,
    help="Probability a mutation's response is lost.",
)
@click.option(
    "--list-nulls",
    is_flag=True,
    help="List answers leave question names and rule labels/ignorePreviousResults null "
    "(the single-object reads still answer them).",
)
@click.option(
    "--schedule-null",
    type=click.Choice(["clears", "ignored"]),
    default="clears",
    show_default=True,
    help="What pollingIntervalCronExpression: null does in updateIntegrationInstance.",
)
@click.option(
    "--quotas",
    default=None,
    help="Rate-limit buckets with RateLimit-* headers: 'documented' (account 2000/120, "
    "API token 1000/60) or ACCOUNT_N/S,TOKEN_N/S. Each root field is one invocation.",
)
@click.option(
    "--quota-scale",
    default=1.0,
    type=click.FloatRange(min=1.0),
    help="Divide the quotas' counts and windows by this (same rate, smaller bursts).",
)
@click.option(
    "--quota-limit-header",
    type=click.Choice(["documented", "recorded"]),
    default="documented",
    show_default=True,
    help="RateLimit-Limit as the docs show it (N, N;window=S, ...) or as the recordings "
    "do (N alone).",
)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host.")
@handle_errors
def serve(
    system: System,
    host: str,
    port: int | None,
    db: str | None,
    seed: str | None,
    api_key: str | None,
    account: str | None,
    latency_ms: int,
    rate_limit: str | None,
    fail_rate: float,
    rate_429: float,
    page_size: int,
    lose_responses: float,
    list_nulls: bool,
    schedule_null: Literal["clears", "ignored"],
    quotas: str | None,
    quota_scale: float,
    quota_limit_header: Literal["documented", "recorded"],
    allow_remote: bool,
) -> None:
    """Serve the emulator until Ctrl-C or SIGTERM."""
    from j1sync.providers.jupiterone.emulator import app
    from j1sync.providers.jupiterone.emulator.quotas import Quotas
    from j1sync.providers.jupiterone.emulator.switches import LIST_NULL_FIELDS
    from j1sync.providers.registry import UNQUALIFIED_SYSTEM

    if not is_loopback(host) and not allow_remote:
        raise ConfigError(f"refusing to listen on non-loopback host {host}; add --allow-remote")
    if system.name != UNQUALIFIED_SYSTEM:
        given = dict(
            account=account,
            page_size=page_size,
            list_nulls=list_nulls,
            schedule_null=schedule_null,
            quotas=quotas,
            quota_scale=quota_scale,
            quota_limit_header=quota_limit_header,
        )
        extra = [k for k, default in JUPITERONE_ONLY.items() if given[k] != default]
        if extra:
            flags = ", ".join("--" + k.replace("_", "-") for k in extra)
            raise click.UsageError(f"{flags}: JupiterOne's emulator only")
        serve_system = system.extras.get(SERVE_EXTRA)
        if serve_system is None:
            raise ConfigError(f"{system.title} has no emulator to serve")
        serve_system(
            host=host,
            **({} if port is None else {"port": port}),
            db=db,
            latency_ms=latency_ms,
            **({} if seed is None else {"seed": seed}),
            api_key=api_key,
            rate_limit=rate_limit,
            fail_rate=fail_rate,
            rate_429=rate_429,
            lose_responses=lose_responses,
            echo=click.echo,
        )
        return
    port = JUPITERONE_PORT if port is None else port
    seed = "demo" if seed is None else seed
    try:
        switches = app.Switches(
            latency_ms=latency_ms,
            rate_limit=app.parse_rate_limit(rate_limit),
            fail_rate=fail_rate,
            rate_429=rate_429,
            lose_responses=lose_responses,
            page_size=page_size,
            list_nulls=LIST_NULL_FIELDS if list_nulls else frozenset(),
            schedule_null=schedule_null,
            quotas=(
                Quotas.parse(quotas, quota_scale, quota_limit_header)
                if quotas is not None
                else None
            ),
        )
        emulator = app.Emulator(
            db=db or app.DEFAULT_DB,
            seed=seed,
            api_key=api_key or app.DEFAULT_API_KEY,
            account=account or app.DEFAULT_ACCOUNT,
            switches=switches,
            host=host,
            port=port,
        )
    except OSError as exc:
        raise ConfigError(f"cannot start the emulator: {_os_problem(exc, host, port)}") from exc
    except ValueError as exc:
        raise ConfigError(f"cannot start the emulator: {exc}") from exc

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever, so it must not run on the serving thread
        emulator.start_shutdown()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    key_note = "the default key" if api_key is None else "the key you gave"
    click.echo(
        f"JupiterOne emulator listening on {emulator.url} "
        f"(account {emulator.account}; API key: {key_note})",
    )
    if api_key is None:
        click.echo(f"Default API key: {app.DEFAULT_API_KEY}")
    # This process only serves: the seeded objects live as long as it does, and the cycle
    # collector's full passes over them (tens of thousands at benchmark sizes) stalled
    # every request in flight. A process-wide setting, so the command decides it.
    gc.freeze()
    try:
        emulator.serve_forever()
    finally:
        emulator.stop()
    stats = emulator.stats
    click.echo(
        f"Emulator stopped. {stats.total} requests, {stats.statuses[429]} answered 429, "
        f"{stats.invocations} invocations counted."
    )


@command.command()
@click.option(
    "--db",
    default=None,
    help="SQLite file (default: every system's --emulator state in .j1sync/).",
)
@handle_errors
def reset(db: str | None) -> None:
    """Delete the emulators' state; the next start seeds fresh accounts."""
    from j1sync.connection import EMULATOR_FOLDER
    from j1sync.providers.registry import systems

    if db is not None:
        _delete_state(Path(db))
        return
    for system in systems():
        state = system.extras.get("emulator_state")
        if state:
            _delete_state(EMULATOR_FOLDER / state)


def _delete_state(path: Path) -> None:
    from j1sync.emulator.store import ProcessLock

    if path.is_dir():
        raise ConfigError(f"{path} is a folder, not the emulator's database; not deleting it")
    if not path.exists():
        click.echo(f"Nothing to delete: {path} does not exist.")
        return
    in_use = ProcessLock(str(path), wait=False)  # never pull the file from under a server
    try:
        path.unlink()
    finally:
        in_use.release()
    click.echo(f"Deleted {path}.")
