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

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

# The system whose kinds are not qualified (the first one; its apiVersion predates others).
UNQUALIFIED_SYSTEM = "jupiterone"


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
      kind, metadata, spec), as `manifest/models/documents.py` defines JupiterOne's.
    - `connect`: (target settings from j1sync.yaml's section for this system, or {}; the
      command's connection options) -> a context manager yielding an
      `engine.contract.Provider` whose kinds carry engine kind names.
    - `emulator`: (state folder) -> a context manager yielding an object with `.url` and
      `.api_key` (and what connect needs to reach it); used by `--emulator`.
    - `extras`: anything else a system offers the generic commands (export specs, list
      identities...), by well-known key.
    """

    name: str
    title: str
    api_versions: tuple[str, ...]
    kinds: tuple[str, ...]
    document_models: Mapping[str, type[BaseModel]]
    connect: Callable[[Mapping[str, Any], Any], AbstractContextManager[Any]] | None = None
    emulator: Callable[[Any], AbstractContextManager[Any]] | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    def engine_kind(self, kind: str) -> str:
        """The engine's name of one of this system's manifest kinds."""
        return kind if self.name == UNQUALIFIED_SYSTEM else f"{self.name}.{kind}"

    @property
    def engine_kinds(self) -> tuple[str, ...]:
        return tuple(self.engine_kind(kind) for kind in self.kinds)


def manifest_kind(engine_kind: str) -> str:
    """`xyops.Event` -> `Event`; `AlertRule` -> `AlertRule`."""
    return engine_kind.rpartition(".")[2]


def system_name_of(engine_kind: str) -> str:
    """`xyops.Event` -> `xyops`; an unqualified kind is JupiterOne's."""
    qualifier, dot, _ = engine_kind.rpartition(".")
    return qualifier if dot else UNQUALIFIED_SYSTEM
