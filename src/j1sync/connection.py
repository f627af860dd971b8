"""Opening the connections of a run: each system's target (providers/registry.py), the
real API or, with --emulator, the system's own emulator over the state in .j1sync/."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from j1sync.engine.contract import Provider
from j1sync.errors import ConfigError
from j1sync.http.retry import DEFAULT_RETRY_BUDGET_S, DEFAULT_TIMEOUT_S
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.registry import System

# --emulator: every system's emulator keeps its state in this folder of the current one.
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
    with system.emulator(EMULATOR_FOLDER) as emu:
        emulated = {
            **settings,
            EMULATED_URL: emu.url,
            EMULATED_API_KEY: emu.api_key,
            EMULATED_ACCOUNT: getattr(emu, "account", None),
        }
        with system.connect(emulated, replace(options, emulator=False)) as provider:
            yield provider


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
