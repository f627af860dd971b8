"""xyOps as the registry sees it (providers/registry.py): manifests `apiVersion:
xyops.j1sync/v1`, its kinds in dependency order, how to connect, its emulator.

Its kinds and apiVersion come from values.py; its manifest models (models.py) are
imported when first used, so a run of other systems' manifests never loads them."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, closing
from pathlib import Path
from typing import Annotated, Any

from j1sync.manifest.document import OWNERSHIP_MARK
from j1sync.manifest.model_base import NonBlank, StrictModel, checked_by
from j1sync.providers.marker import marker_mark
from j1sync.providers.registry import Imported, System, emulator_over_state
from j1sync.providers.xyops.settings import ENV_API_KEY, NAME, TITLE, XyopsSettings
from j1sync.providers.xyops.values import API_VERSION, KINDS

MODELS = "j1sync.providers.xyops.models"
ENGINE_KINDS = tuple(f"{NAME}.{kind}" for kind in KINDS)  # as SYSTEM.engine_kinds


def _connect(target: Mapping[str, Any], options: Any) -> AbstractContextManager[Any]:
    """The provider for the run, closed when the run ends."""
    from j1sync.providers.xyops.provider import connect

    return closing(connect(target, options))


class XyopsTarget(StrictModel):
    """j1sync.yaml's `xyops:` connection keys (XYOPS_URL is overridden by `url`)."""

    url: Annotated[NonBlank, checked_by(XyopsSettings.check_url)] | None = None


EMULATOR_DB = "xyops-emulator.db"  # the emulator's state file in the --emulator state folder


def _emulator(state: Path) -> AbstractContextManager[Any]:
    """The xyOps emulator over the state kept in `state` (a fresh server's seed on first
    use)."""
    from j1sync.providers.xyops.emulator import running_xyops_emulator

    return emulator_over_state(state, EMULATOR_DB, running_xyops_emulator)


def _serve(**options: Any) -> Any:
    """`j1sync emulator serve --system xyops` (commands/emulator.py)."""
    from j1sync.providers.xyops.emulator import serve

    return serve(**options)


def _export_specs() -> Any:
    from j1sync.providers.xyops.export import SPEC_BUILDERS

    return SPEC_BUILDERS


def _export_notes(written: Any) -> Any:
    """What export's manifests leave out of the objects they were written from: dropped
    references, fields no manifest holds."""
    from j1sync.providers.xyops.dead_references import dropped_notes
    from j1sync.providers.xyops.export import unmanaged_notes

    return [*dropped_notes(written), *unmanaged_notes(written)]


def _export_file(source: Path, out_dir: Path, kinds: Any, **options: Any) -> Any:
    """`j1sync export --system xyops --from-file FILE`: an XYPDF file (xypdf.py)."""
    from j1sync.providers.xyops.xypdf import export_file

    return export_file(source, out_dir, kinds, **options)


SYSTEM = System(
    name=NAME,
    title=TITLE,
    api_versions=(API_VERSION,),
    kinds=KINDS,
    document_models=Imported(f"{MODELS}:DOCUMENT_MODELS"),
    connect=_connect,
    emulator=_emulator,
    extras={
        "list_identities": Imported(f"{MODELS}:LIST_IDENTITIES"),
        # j1sync.yaml's prune: every kind is pruned by the marker in its notes (kinds.py)
        "prune_policies": dict.fromkeys(KINDS, "tagged"),
        OWNERSHIP_MARK: marker_mark("notes"),  # no tag: a line of its notes
        "emulator_state": EMULATOR_DB,
        "export_specs": _export_specs,
        "export_notes": _export_notes,
        # what an object names must be read with it to tell what xyOps deleted since
        # (dead_references.py); every list comes in one call
        "export_reads_also": {kind: ENGINE_KINDS for kind in ENGINE_KINDS},
        "serve": _serve,
        "export_file": _export_file,
        "export_file_format": "an XYPDF file, xyOps's own export (.json or .json.gz)",
    },
    settings_model=XyopsTarget,
    credential_variables=(ENV_API_KEY,),
    connect_imports=("j1sync.providers.xyops.provider",),
)
assert SYSTEM.engine_kinds == ENGINE_KINDS
