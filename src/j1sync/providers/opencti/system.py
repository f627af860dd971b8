"""OpenCTI as the registry sees it (providers/registry.py): manifests `apiVersion:
opencti.j1sync/v1`, its kinds in dependency order, how to connect, its emulator.

Its kinds and apiVersion come from values.py; its manifest models (models.py and the
kinds modules) are imported when first used, so a run of other systems' manifests never
loads them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, Any

from j1sync.manifest.document import OWNERSHIP_MARK
from j1sync.manifest.model_base import NonBlank, StrictModel, checked_by
from j1sync.providers.marker import marker_mark
from j1sync.providers.opencti.settings import ENV_TOKEN, NAME, TITLE, OpenCtiSettings
from j1sync.providers.opencti.values import API_VERSION, KINDS
from j1sync.providers.registry import Imported, System, emulator_over_state

MODELS = "j1sync.providers.opencti.models"


@contextmanager
def _connect(target: Mapping[str, Any], options: Any) -> Iterator[Any]:
    from j1sync.providers.opencti.provider import connect

    provider = connect(target, options)
    try:
        yield provider
    finally:
        provider.close()


class OpenCtiTarget(StrictModel):
    """j1sync.yaml's `opencti:` connection keys (`url` overrides OPENCTI_URL)."""

    url: Annotated[NonBlank, checked_by(OpenCtiSettings.check_url)] | None = None


EMULATOR_DB = "opencti-emulator.db"  # the emulator's state file in the --emulator state folder


def _emulator(state: Path) -> AbstractContextManager[Any]:
    """The OpenCTI emulator over the state kept in `state` (a fresh platform's objects on
    first use)."""
    from j1sync.providers.opencti.emulator import running_opencti_emulator

    return emulator_over_state(state, EMULATOR_DB, running_opencti_emulator)


def _serve(**options: Any) -> Any:
    """`j1sync emulator serve --system opencti` (commands/emulator.py)."""
    from j1sync.providers.opencti.emulator import serve

    return serve(**options)


def _export_specs() -> Any:
    from j1sync.providers.opencti.export import SPEC_BUILDERS

    return SPEC_BUILDERS


def _document_problems(loaded: Any) -> Any:
    """The loader's checks across OpenCTI's manifests (names it folds to one)."""
    from j1sync.providers.opencti.document_checks import document_problems

    return document_problems(loaded)


SYSTEM = System(
    name=NAME,
    title=TITLE,
    api_versions=(API_VERSION,),
    kinds=KINDS,
    document_models=Imported(f"{MODELS}:DOCUMENT_MODELS"),
    connect=_connect,
    emulator=_emulator,
    extras={
        "document_problems": _document_problems,
        "list_identities": Imported(f"{MODELS}:LIST_IDENTITIES"),
        # j1sync.yaml's prune: each kind's policy, as its kind class's `prune` says
        "prune_policies": {
            "MarkingDefinition": "opt-in",
            "Label": "opt-in",
            "KillChainPhase": "opt-in",
            "Vocabulary": "tagged",
            "Role": "tagged",
            "Group": "tagged",
            "StatusTemplate": "opt-in",
            "Workflow": "never",
            "TaxiiCollection": "tagged",
            "StreamCollection": "tagged",
            "Feed": "tagged",
            "Settings": "never",
        },
        OWNERSHIP_MARK: marker_mark("description"),  # no tag: a line of its description
        "emulator_state": EMULATOR_DB,
        "export_specs": _export_specs,
        "serve": _serve,
    },
    settings_model=OpenCtiTarget,
    credential_variables=(ENV_TOKEN,),
    connect_imports=("j1sync.providers.opencti.provider",),
)
