"""Opening the connections of a run: each system's target (providers/registry.py), the
real API or, with --emulator, the system's own emulator over the state in .j1sync/ at
the root of the project the current folder lies in (`emulator_state_folder`)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from j1sync.engine.contract import Provider
from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.registry import System

# --emulator: every system's emulator keeps its state in a folder of this name, at the
# root of the project the current folder lies in (emulator_state_folder).
EMULATOR_FOLDER = Path(".j1sync")

# What a system's `connect` finds in its target settings when its emulator serves: the
# emulator's base URL, API key and account (a system whose targets are accounts). Never
# keys of j1sync.yaml.
EMULATED_URL, EMULATED_API_KEY, EMULATED_ACCOUNT = "url", "apiKey", "account"


@dataclass(frozen=True)
class ConnectionOptions:
    """How a command reaches its targets: its --emulator, --timeout (one request's wait
    for its answer), --retry-budget and --rate-limit
    (a RateLimit, or None for no client-side limit); apply's --concurrency, the changes
    made at once, which a client must let through together; and `flags`, the connection
    flags the systems add (System.extras["connection_options"]), by parameter name, each
    read by its own system's `connect`."""

    emulator: bool = False
    timeout: float = DEFAULT_TIMEOUT_S
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S
    rate_limit: Any = None
    concurrency: int = 1
    flags: Mapping[str, Any] = field(default_factory=dict)


@contextmanager
def open_system(
    system: System, project: ProjectConfig, options: ConnectionOptions
) -> Iterator[Provider]:
    """One system's provider, connected to the target j1sync.yaml gives it (`project`:
    that system's settings, ProjectConfig.for_system) or, with --emulator, to the system's
    emulator over the state in .j1sync/ (started here, stopped when the block ends)."""
    if system.connect is None:
        raise ConfigError(f"j1sync cannot connect to {system.title} (no provider)")
    settings: Mapping[str, Any] = project.target_settings()
    if not options.emulator:
        with system.connect(settings, options) as provider:
            yield provider
        return
    if system.emulator is None:
        raise ConfigError(f"{system.title} has no emulator: --emulator cannot serve it")
    folder = emulator_state_folder()
    made = make_state_folder(folder, RUN_ELSEWHERE)
    with ExitStack() as stack:
        if made:  # left when this run leaves nothing in it
            stack.callback(_remove_if_empty, folder)
        emu = _enter_emulator(stack, system, folder)
        emulated = {
            **settings,
            EMULATED_URL: emu.url,
            EMULATED_API_KEY: emu.api_key,
            EMULATED_ACCOUNT: getattr(emu, "account", None),
        }
        try:
            with system.connect(emulated, replace(options, emulator=False)) as provider:
                yield provider
        except BaseException:
            # a run that stops before any change (its manifests invalid) leaves no state
            # it made: the emulator removes a database it seeded and nothing wrote to
            discard = getattr(emu, "discard_if_untouched", None)
            if discard is not None:
                discard()
            raise


def emulator_state_folder() -> Path:
    """Where --emulator keeps every system's emulator database: `.j1sync/` in the folder
    of the project the current folder lies in, the one holding the j1sync.yaml a run from
    here reads when given no PATH (the nearest at or above it, up to the git work tree's
    root), else the git work tree's root, else the current folder. Shown relative (as
    `.j1sync`) when it is the current folder's, else absolute. `emulator serve` and
    `emulator reset` keep theirs there too, so any folder of the project finds the same
    state."""
    from j1sync.manifest.project import find_enclosing_project_file

    here = Path.cwd()
    project_file = find_enclosing_project_file(Path("."))
    root = project_file.resolve().parent if project_file is not None else _git_work_tree(here)
    if root is None or root == here:
        return EMULATOR_FOLDER
    return root / EMULATOR_FOLDER


def emulator_state(name: str) -> str:
    """What a saved plan made with --emulator is bound to instead of the emulator's
    per-run URL: `name` (a system's database file or folder) in the project's state
    folder (emulator_state_folder), absolute, so that any folder of the project names the
    same state (plan_binding)."""
    return f"emulator:{(emulator_state_folder() / name).resolve()}"


def _git_work_tree(folder: Path) -> Path | None:
    """The root of the git work tree `folder` lies in (the nearest folder holding `.git`,
    a folder or, in a linked work tree or a submodule, a file), or None."""
    return next((f for f in (folder, *folder.parents) if (f / ".git").exists()), None)


# What to do when the state folder cannot be made or written: a run, `emulator serve`
RUN_ELSEWHERE = (
    "run from a folder where it can be made (outside a read-only project: the state "
    "folder is the project's), or serve the emulator elsewhere with `j1sync emulator "
    "serve --db FILE` and point the run at it instead of --emulator"
)
SERVE_ELSEWHERE = "run from a writable folder, or give `emulator serve` a --db elsewhere"


def make_state_folder(folder: Path, remedy: str) -> bool:
    """Make the emulators' state folder `folder` when missing (True: made here); a
    ConfigError naming it, and `remedy`, when it cannot be made or written (a read-only
    checkout, a file of that name)."""
    try:
        made = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if folder.exists() and not folder.is_dir():
            reason = "a file of that name is in the way"
        raise ConfigError(
            f"cannot create the emulator's state folder {folder} ({reason}): {remedy}"
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(
            f"cannot write in the emulator's state folder {folder} (permissions or a "
            f"read-only file system): {remedy}"
        )
    return made


def _remove_if_empty(folder: Path) -> None:
    with suppress(OSError):  # another system's state, or another run's, is there
        folder.rmdir()


def _enter_emulator(stack: ExitStack, system: System, folder: Path) -> Any:
    """`system.emulator(folder)`, entered on `stack`; one held by `emulator serve` is a
    ConfigError saying what to do: stop it, point the run at it (the system's own
    environment variables), or serve it another database."""
    from j1sync.emulator.store import SERVING, DatabaseInUse

    assert system.emulator is not None
    try:
        return stack.enter_context(system.emulator(folder))
    except DatabaseInUse as exc:
        if exc.holder != SERVING:
            raise
        raise ConfigError(
            f"{exc.held}: stop it; or leave out --emulator and point the run at that "
            f"server (the URL and API key it printed, in the {system.name.upper()}_* "
            "environment variables); or start the server with another --db"
        ) from exc


@contextmanager
def open_systems(
    systems: Sequence[System], project: ProjectConfig, options: ConnectionOptions
) -> Iterator[Provider]:
    """The run's provider: one system's own provider, or for several, their `Targets`
    (providers/targets.py), each connected to its own target. Every system's settings
    problem is reported at once (a mixed project missing two systems' variables says so
    in one run, not one per run)."""
    from j1sync.providers.targets import Target, Targets

    with ExitStack() as stack:
        targets: list[Target] = []
        problems: list[str] = []
        for system in systems:
            part = project.for_system(system.name)
            try:
                provider = stack.enter_context(open_system(system, part, options))
            except ConfigError as exc:
                problems.append(str(exc))
                continue
            targets.append(Target(system, provider, part))
        if problems:
            raise ConfigError("\n".join(problems))
        yield targets[0].provider if len(targets) == 1 else Targets(targets)
