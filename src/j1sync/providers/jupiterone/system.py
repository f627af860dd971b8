"""JupiterOne as a registered system (providers/registry.py): its manifest models, its
connection and its emulator, as the generic parts of j1sync find them.

JupiterOne's manifests keep `apiVersion: j1sync/v1` and its kinds their bare names; its
target is j1sync.yaml's top-level `account`, `region`, `managedTag`, `prune` and `safety`
(the keys that file had before other systems existed)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from j1sync.manifest.models.common import NonBlank, StrictModel
from j1sync.manifest.models.documents import API_VERSION, DOCUMENT_MODELS, KINDS
from j1sync.providers.registry import UNQUALIFIED_SYSTEM, System
from j1sync.settings import ENV_API_KEY

EMULATOR_DB = "emulator.db"  # the emulator's state file in the --emulator state folder


class JupiterOneTarget(StrictModel):
    """The account j1sync.yaml names (flags and JUPITERONE_* variables override it)."""

    account: NonBlank | None = None
    region: NonBlank | None = None


def connect(section: Mapping[str, Any], options: Any) -> Any:
    """The connected provider (a context manager): the command's flags over the
    environment over j1sync.yaml's `account`/`region`; `managedTag` marks rules and
    questions as j1sync's. An emulator's URL, key and account (connection.open_system)
    override them all."""
    from j1sync.connection import (
        EMULATED_ACCOUNT,
        EMULATED_API_KEY,
        EMULATED_URL,
        open_provider,
    )
    from j1sync.manifest.document import DEFAULT_MANAGED_TAG

    if section.get(EMULATED_URL):
        options = replace(
            options, api_url=section[EMULATED_URL], account=section.get(EMULATED_ACCOUNT)
        )
    return open_provider(
        options,
        default_account=section.get("account"),
        default_region=section.get("region"),
        managed_tag=section.get("managedTag") or DEFAULT_MANAGED_TAG,
        api_key=section.get(EMULATED_API_KEY),
    )


@contextmanager
def emulator(state: Path) -> Iterator[Any]:
    """The JupiterOne emulator over the state kept in `state` (demo seed on first use)."""
    from j1sync.emulator import running_emulator

    state.mkdir(parents=True, exist_ok=True)
    with running_emulator(db=str(state / EMULATOR_DB), seed="demo", wait_for_db=True) as emu:
        yield emu


def _export_specs() -> Any:
    from j1sync.export.specs import SPEC_BUILDERS

    return SPEC_BUILDERS


SYSTEM = System(
    name=UNQUALIFIED_SYSTEM,
    title="JupiterOne",
    api_versions=(API_VERSION,),
    kinds=KINDS,
    document_models=DOCUMENT_MODELS,
    connect=connect,
    emulator=emulator,
    settings_model=JupiterOneTarget,
    extras={"export_specs": _export_specs},
    credential_variables=(ENV_API_KEY,),
)
