"""`j1sync emulator serve|reset`: run a system's local emulator (the first system's unless
`--system` names another registered one), or forget the emulators' state."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from j1sync.cli import settle_built
from j1sync.commands._common import foreign_flags, handle_errors, system_option, system_options
from j1sync.commands.numbers import FiniteFloatRange
from j1sync.emulator import LISTEN_HOST
from j1sync.errors import ConfigError
from j1sync.http.retry import MAX_TIMEOUT_S
from j1sync.http.urls import check_credential, is_loopback

if TYPE_CHECKING:
    from j1sync.providers.registry import System


@click.group(name="emulator")
def command() -> None:
    """Each system's local emulator: its API on loopback, for tests, demos and CI."""


PROBABILITY = FiniteFloatRange(0.0, 1.0)
# The longest --latency-ms: as a client's longest --timeout (a longer sleep does not fit
# a time_t: every request's handler failed with a traceback, its client cut off)
MAX_LATENCY_MS = int(MAX_TIMEOUT_S * 1000)


# A system's own serve entry, in its System.extras (providers/registry.py): called with
# host, port, db, seed, api_key, echo, timings (a j1sync.emulator.http_base.TimingsLog, or
# None), the faults (latency_ms, rate_limit, fail_rate, rate_429, lose_responses: some of
# j1sync.emulator.faults.FaultOptions) and the values of its own flags (extras[SERVE_OPTIONS]: a
# (parameter name, click option) per flag, commands/_common.system_options); it serves
# until SIGTERM or SIGINT. A port or seed not given is left to the system's default.
SERVE_EXTRA = "serve"
SERVE_OPTIONS = "serve_options"


@command.command()
@system_option("Whose emulator")
@click.option("--host", default=LISTEN_HOST, show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=None,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed on start; default: the system's own).",
)
@click.option(
    "--db",
    default=None,
    help="SQLite file (default: the system's own in the project's .j1sync/, as --emulator's).",
)
@click.option(
    "--seed",
    default=None,
    help="What a new database starts with (default: the system's own): one of the seeds "
    "its emulator knows, or a seed FILE (YAML or JSON) if it takes files. The README's "
    "command list says which each system's takes; another is refused, naming those.",
)
@click.option("--api-key", default=None, help="Key clients must send (default: a fixed demo key).")
@click.option(
    "--latency-ms",
    default=0,
    type=click.IntRange(min=0, max=MAX_LATENCY_MS),
    help="Delay every request (at most a day).",
)
@click.option("--rate-limit", default=None, help="N/SECONDS: answer 429 beyond N requests.")
@click.option("--fail-rate", default=0.0, type=PROBABILITY, help="Probability of an injected 5xx.")
@click.option(
    "--rate-429",
    default=0.0,
    type=PROBABILITY,
    help="Probability of an injected 429 (rate limited).",
)
@click.option(
    "--lose-responses",
    default=0.0,
    type=PROBABILITY,
    help="Probability a mutation's response is lost.",
)
@click.option(
    "--timings",
    default=None,
    metavar="FILE",
    help="Append a JSON line per answered request to FILE: its operation, status and the "
    "emulator's own milliseconds on it, latency apart (as its Server-Timing header says).",
)
@system_options(SERVE_OPTIONS)
@click.option("--allow-remote", is_flag=True, help="Allow a non-loopback --host.")
@handle_errors
def serve(
    system: System,
    host: str,
    port: int | None,
    db: str | None,
    seed: str | None,
    api_key: str | None,
    latency_ms: int,
    rate_limit: str | None,
    fail_rate: float,
    rate_429: float,
    lose_responses: float,
    timings: str | None,
    allow_remote: bool,
    system_flags: Mapping[str, Mapping[str, Any]],
) -> None:
    """Serve the emulator until Ctrl-C or SIGTERM."""
    own = system_flags.get(system.name, {})
    _none_blank(
        {"--host": host, "--db": db, "--seed": seed, "--api-key": api_key}
        | {"--rate-limit": rate_limit, "--timings": timings}
        | {f"--{name.replace('_', '-')}": value for name, value in own.items()}
    )
    if api_key is not None:  # one the clients could send (j1sync's refuses any other)
        check_credential(api_key, "--api-key", "API key")
    if not is_loopback(host) and not allow_remote:
        raise ConfigError(f"refusing to listen on non-loopback host {host}; add --allow-remote")
    foreign = foreign_flags(system, system_flags)
    if foreign:
        options = "not an option" if len(foreign) == 1 else "not options"
        raise click.UsageError(f"{', '.join(foreign)}: {options} of {system.title}'s emulator")
    serve_system = system.extras.get(SERVE_EXTRA)
    if serve_system is None:
        raise ConfigError(f"{system.title} has no emulator to serve")
    from j1sync.emulator.serving import open_timings

    if db is None and (db := _default_db(system)) is not None:
        from j1sync.connection import SERVE_ELSEWHERE, make_state_folder

        make_state_folder(Path(db).parent, SERVE_ELSEWHERE)
    if timings is not None:
        _timings_apart(timings, db, seed)
    timings_log = open_timings(timings) if timings is not None else None
    if seed is not None:
        _seed_kept(db, seed)
    try:
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
            timings=timings_log,
            before_serving=settle_built,
            **own,
        )
    finally:
        if timings_log is not None:
            timings_log.close()


def _none_blank(values: Mapping[str, object]) -> None:
    """An option given an empty or blank value (an unset CI variable: `--db "$STATE"`) is
    an error naming it: taken as not given, it silently served the default database, key
    or account, or (--host "") every address of the machine."""
    for flag, value in values.items():
        if isinstance(value, str) and not value.strip():
            what = "blank" if value else "empty"
            raise click.UsageError(
                f"{flag} is {what}: give it a value, or leave it out for the default"
            )


def _seed_kept(db: str | None, seed: str) -> None:
    """A seed applies to a new database only: one seeded before is served as it was left.
    Said on stderr when --seed is given, which a user changing the seed would not expect
    without a word."""
    from j1sync.emulator.store import was_seeded

    if db is not None and was_seeded(db):
        click.echo(
            f"Warning: --seed {seed} is not applied: {db} was seeded before and keeps its "
            f"state; `j1sync emulator reset --db {db}` starts over",
            err=True,
        )


def _default_db(system: System) -> str | None:
    """The database `serve` keeps when no --db is given: the system's own in the state
    folder --emulator keeps it in (connection.emulator_state_folder: the project's)."""
    from j1sync.connection import emulator_state_folder

    state = system.extras.get("emulator_state")
    return str(emulator_state_folder() / state) if state else None


# What SQLite and the emulator's process lock keep beside a database file.
DB_COMPANIONS = {
    "": "database",
    "-journal": "database's journal",
    "-wal": "database's write-ahead log",
    "-shm": "database's shared memory file",
    ".lock": "database's lock file",
}


def _timings_apart(timings: str, db: str | None, seed: str | None) -> None:
    """--timings appends lines to its file: never to the emulator's database (or a file
    SQLite or the lock keeps beside it) nor to its seed file, which they would corrupt."""
    kept = [(f"{db}{suffix}", role) for suffix, role in DB_COMPANIONS.items()] if db else []
    if seed is not None and os.path.isfile(seed):  # a seed may also be a name ("none")
        kept.append((seed, "seed file"))
    for path, role in kept:
        if _same_file(timings, path):
            raise ConfigError(
                f"--timings {timings} is the emulator's {role}; "
                "give the timings a file of their own"
            )


def _same_file(one: str, other: str) -> bool:
    """The same file, or (one not there yet) the same place."""
    try:
        return os.path.samefile(one, other)
    except OSError:
        return os.path.abspath(one) == os.path.abspath(other)


@command.command()
@click.option(
    "--db",
    default=None,
    help="SQLite file (default: every system's --emulator state, in the .j1sync/ folder "
    "of the project the current folder lies in).",
)
@handle_errors
def reset(db: str | None) -> None:
    """Delete the emulators' state; the next start seeds fresh accounts."""
    from j1sync.connection import emulator_state_folder
    from j1sync.providers.registry import systems

    if db is not None:
        if not db.strip():  # Path("") is the current folder
            raise ConfigError("--db is empty: give the path of the emulator database to delete")
        _delete_state(Path(db))
        return
    folder = emulator_state_folder()
    states = [Path(folder, state) for s in systems() if (state := s.extras.get("emulator_state"))]
    if not any(p.exists() or _lock_file(p).exists() for p in states):
        click.echo(
            f"Nothing to delete: no emulator state in {folder}/, the --emulator state "
            "folder of the project this folder lies in."
        )
        return
    refused: list[str] = []
    for state in states:  # each one: a refusal (one in use) keeps no other from going
        try:
            _delete_state(state)
        except ConfigError as exc:
            refused.append(str(exc))
    if refused:
        raise ConfigError("\n".join(refused))


def _lock_file(db: Path) -> Path:
    return Path(f"{db}.lock")


def _delete_state(path: Path) -> None:
    """Delete one emulator database, what SQLite keeps beside it and its lock file (the
    lock taken first: never from under a process that holds it)."""
    from j1sync.emulator.store import RESETTING, SQLITE_SIDE_FILES, ProcessLock

    if path.is_dir():
        raise ConfigError(f"{path} is a folder, not the emulator's database; not deleting it")
    if not path.exists():
        note = " (its lock file removed)" if _remove_lock(path) else ""
        click.echo(f"Nothing to delete: {path} does not exist{note}.")
        return
    if not path.is_file():  # --db /dev/null: never unlink a device (as root, it would go)
        raise ConfigError(
            f"{path} is not a regular file (a device or a pipe), not the emulator's database; "
            "not deleting it"
        )
    _not_foreign(path)  # before a lock file is made beside another program's file
    in_use = ProcessLock(str(path), wait=False, holder=RESETTING)  # never from a server
    try:
        path.unlink()
        for suffix in SQLITE_SIDE_FILES:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        in_use.remove_file()
    finally:
        in_use.release()
    click.echo(f"Deleted {path}.")


def _remove_lock(db: Path) -> bool:
    """Remove the lock file of a database that is not there, unless a process holds it
    (one making the database now): True when removed."""
    from j1sync.emulator.store import RESETTING, DatabaseInUse, ProcessLock

    if not _lock_file(db).is_file():
        return False
    try:
        lock = ProcessLock(str(db), wait=False, holder=RESETTING)
    except DatabaseInUse:
        return False
    try:
        if db.exists():  # made meanwhile (before the lock was taken)
            return False
        lock.remove_file()
        return True
    finally:
        lock.release()


def _not_foreign(path: Path) -> None:
    """A ConfigError when `path` is another program's SQLite database (a mistyped --db):
    reset deletes an emulator's database, or a file that is no database at all (corrupt)."""
    import sqlite3

    from j1sync.emulator.store import ForeignDatabase, may_start_over, refuse_foreign

    if not may_start_over(path):
        raise ConfigError(
            f"{path} is not a database file (no SQLite header), not the emulator's; not deleting it"
        )
    try:
        db = sqlite3.connect(path)
    except sqlite3.Error:
        return
    try:
        refuse_foreign(db, str(path))
    except sqlite3.Error:
        return  # a damaged database, or a file in j1sync's own folder: what reset is for
    except ForeignDatabase as exc:
        raise ConfigError(
            f"{path} is another program's SQLite database, not an emulator's; not deleting it"
        ) from exc
    finally:
        db.close()
