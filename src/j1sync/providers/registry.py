"""Which systems j1sync manages: a manifest's `apiVersion` names its system.

A system (JupiterOne, xyOps, ...) is one package under `j1sync.providers.<name>`; it
registers one `System` here. The engine, the manifest loader, the CLI and the outputs find
a system's manifest models, its kinds and its connection through this registry and never
name a system themselves.

Kind names: the engine identifies a kind by one string. JupiterOne's kinds keep their bare
names (`AlertRule`), so every plan, saved plan and flag written before other systems
existed still means the same; every other system's kinds are qualified by the system's
name (`xyops.Event`), so two systems may both have a `Role`. A manifest always writes the
bare kind (`kind: Event`) beside its system's `apiVersion`; `System.engine_kind` maps it.
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from j1sync.deferred import Deferred

# The system whose kinds are not qualified (the first one; its apiVersion predates others).
UNQUALIFIED_SYSTEM = "jupiterone"

# Where each system's package registers its `SYSTEM`, in the order plans list systems (the
# unqualified system first). A package that is not installed (yet) is left out.
SYSTEM_MODULES = (
    "j1sync.providers.jupiterone.system",
    "j1sync.providers.xyops.system",
    "j1sync.providers.opencti.system",
)

_V = TypeVar("_V")


def _named(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


class Imported(Deferred[str, _V]):
    """A mapping kept in a module (`"package.module:NAME"`), imported the first time it is
    read: a system's manifest models load when a manifest of that system is validated (or
    its schema asked, its plan shown), not when the registry lists the systems. A run of
    one system's manifests loads no other system's models."""

    __slots__ = ()

    def __init__(self, where: str) -> None:
        module, _, name = where.partition(":")
        super().__init__(_named, module, name)

    def __repr__(self) -> str:
        module, name = self._args
        return f"Imported({module}:{name})"


def check_kinds(title: str, kinds: tuple[str, ...], defined: Iterable[str]) -> None:
    """A system's models define exactly its kinds (its values.py's list), in that order:
    raised when the models are imported, so the two cannot drift apart."""
    found = tuple(defined)
    if found != kinds:
        raise RuntimeError(f"{title}'s models define the kinds {found}, its values say {kinds}")


@dataclass(frozen=True)
class System:
    """One managed system, as the rest of j1sync sees it.

    - `name`: lower-case identifier (`jupiterone`, `xyops`): the key of its section in
      j1sync.yaml, the qualifier of its kinds, its environment variables' prefix.
    - `title`: how outputs name it (`JupiterOne`, `xyOps`).
    - `api_versions`: the manifest `apiVersion` values that mean this system (the first is
      what `export` writes).
    - `kinds`: the manifest kinds (bare names) in dependency order: a kind comes after every
      kind its objects name.
    - `document_models`: bare kind -> pydantic model of the whole document (apiVersion,
      kind, metadata, spec), as `providers/jupiterone/models/documents.py` defines JupiterOne's;
      a system's own are `Imported` (loaded on first use), `kinds` and `api_versions`
      stated apart from them, in its leaf `values.py`.
    - `connect`: (target settings from j1sync.yaml's section for this system, or {}; the
      command's connection options) -> a context manager yielding an
      `engine.contract.Provider` whose kinds carry engine kind names.
    - `emulator`: (state folder) -> a context manager yielding an object with `.url` and
      `.api_key` (and what connect needs to reach it); used by `--emulator`.
    - `settings_model`: the connection keys of the system's section in j1sync.yaml (a
      strict pydantic model, e.g. xyOps's `url`); None: the section takes `url` only.
      The section's other keys (`managedTag`, `prune`, `safety`) are the same for every
      system (manifest/project.py).
    - `extras`: anything else a system offers the generic parts (its cross-document
      checks, export specs, list identities, own flags...), by well-known key; each key
      is read in one generic module (docs/architecture.md §9 lists them).
    - `credential_variables`: the environment variables holding its credentials (its
      API key): never shown, and no manifest's `${env:}` may name one.
    - `connect_imports`: the modules `connect` imports (its client and provider):
      imported ahead, while a helper process scans the manifest files
      (reconcile.import_connection), the two being what a plan's first request waits for.
    """

    name: str
    title: str
    api_versions: tuple[str, ...]
    kinds: tuple[str, ...]
    document_models: Mapping[str, type[BaseModel]]
    connect: Callable[[Mapping[str, Any], Any], AbstractContextManager[Any]] | None = None
    emulator: Callable[[Any], AbstractContextManager[Any]] | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
    settings_model: type[BaseModel] | None = None
    credential_variables: tuple[str, ...] = ()
    connect_imports: tuple[str, ...] = ()

    def engine_kind(self, kind: str) -> str:
        """The engine's name of one of this system's manifest kinds."""
        return kind if self.name == UNQUALIFIED_SYSTEM else f"{self.name}.{kind}"

    @property
    def engine_kinds(self) -> tuple[str, ...]:
        return tuple(self.engine_kind(kind) for kind in self.kinds)

    @property
    def api_version(self) -> str:
        """The apiVersion j1sync writes for this system (export, examples)."""
        return self.api_versions[0]

    def owns(self, engine_kind: str) -> bool:
        return system_name_of(engine_kind) == self.name and manifest_kind(engine_kind) in self.kinds


# Systems registered at run time (tests register a small system of their own).
_EXTRA: list[System] = []


@contextmanager
def emulator_over_state(
    state: Path, db_name: str, running: Callable[..., AbstractContextManager[_V]], **options: Any
) -> Iterator[_V]:
    """What a System's `emulator` yields: the system's emulator (`running`, its
    running_*emulator(...), with `options`) over its database `db_name` in the state
    folder `state`, made when missing; another j1sync run serving the same file is waited
    for, not an error."""
    state.mkdir(parents=True, exist_ok=True)
    with running(db=str(state / db_name), wait_for_db=True, **options) as emulator:
        yield emulator


def systems() -> tuple[System, ...]:
    """Every known system, the unqualified one first, then in SYSTEM_MODULES order, then
    those `registered` at run time."""
    return (*_installed(), *_EXTRA)


@functools.cache
def _installed() -> tuple[System, ...]:
    found: list[System] = []
    for module_name in SYSTEM_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue  # the system's package is not there (yet)
            raise
        system = getattr(module, "SYSTEM", None)
        if isinstance(system, System):
            found.append(system)
    return tuple(found)


@contextmanager
def registered(system: System) -> Iterator[System]:
    """`system` is known for the `with` block (tests: a second system of their own)."""
    if any(s.name == system.name for s in systems()):
        raise ValueError(f"a system named {system.name!r} is already registered")
    _EXTRA.append(system)
    try:
        yield system
    finally:
        _EXTRA.remove(system)


def system_named(name: str) -> System | None:
    return next((s for s in systems() if s.name == name), None)


def system_for_api_version(api_version: object) -> System | None:
    """The system a manifest's `apiVersion` names, or None."""
    return next((s for s in systems() if api_version in s.api_versions), None)


def system_of_kind(engine_kind: str) -> System | None:
    """The system an engine kind (`AlertRule`, `xyops.Event`) belongs to, or None."""
    return next((s for s in systems() if s.owns(engine_kind)), None)


def all_api_versions() -> list[str]:
    return [version for system in systems() for version in system.api_versions]


def closest_api_version(written: str) -> str | None:
    """The apiVersion a mistyped one most likely means (None when none is near): the one
    it is but for case (`XYOPS.j1sync/v1`); else that of the system its first part names,
    by name or title in any case (`jupiterone.j1sync/v1`, `OpenCTI/v2`); else the nearest
    by spelling, case aside. Never `written` itself."""
    versions = all_api_versions()
    folded = [version.casefold() for version in versions]
    wanted = written.strip().casefold()
    head = re.split(r"[./]", wanted, maxsplit=1)[0]
    named = [s.api_version for s in systems() if head in (s.name, s.title.casefold())]
    if wanted in folded:
        found: str | None = versions[folded.index(wanted)]
    elif named:
        found = named[0]
    else:
        near = difflib.get_close_matches(wanted, folded, n=1)
        found = versions[folded.index(near[0])] if near else None
    return None if found == written else found


def all_engine_kinds() -> list[str]:
    """Every system's engine kinds, systems in order, each in dependency order."""
    return [kind for system in systems() for kind in system.engine_kinds]


def closest(word: str, candidates: list[str]) -> str | None:
    """The candidate nearest `word`, for a "did you mean" (None when none is near): the
    one it is but for case (`TAG`: `Tag`), else the nearest by spelling."""
    folded = [candidate.casefold() for candidate in candidates]
    if word.casefold() in folded:
        return candidates[folded.index(word.casefold())]
    found = difflib.get_close_matches(word, candidates, n=1)
    return found[0] if found else None


def manifest_kind(engine_kind: str) -> str:
    """`xyops.Event` -> `Event`; `AlertRule` -> `AlertRule`."""
    return engine_kind.rpartition(".")[2]


def system_name_of(engine_kind: str) -> str:
    """`xyops.Event` -> `xyops`; an unqualified kind is JupiterOne's."""
    qualifier, dot, _ = engine_kind.rpartition(".")
    return qualifier if dot else UNQUALIFIED_SYSTEM


def system_credential_variables() -> frozenset[str]:
    """Every system's credential variables (credentials.py adds j1sync's own)."""
    return frozenset(name for system in systems() for name in system.credential_variables)
