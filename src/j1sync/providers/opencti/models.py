"""OpenCTI manifest models: apiVersion `opencti.j1sync/v1`, the kinds in dependency order
and one document model per kind, collected from the kinds modules.

Each kinds module (`KIND_MODULES`) defines `KIND_CLASSES` (kinds_base.py says how); its
classes' `spec_model` and `metadata_model` make the document models here. A module that
is not there (yet) is left out, and so are its kinds: `KINDS` holds the kinds of
`ALL_KINDS` that some module defines, in that order.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal, cast, get_args

from pydantic import Field, create_model

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import ObjectName, StrictModel

# The one apiVersion of OpenCTI manifests (the documents' field takes only it).
ApiVersion = Literal["opencti.j1sync/v1"]
API_VERSION: str = get_args(ApiVersion)[0]

# Every OpenCTI kind, in dependency order (a kind comes after every kind its objects name).
ALL_KINDS: tuple[str, ...] = (
    "MarkingDefinition",
    "Label",
    "KillChainPhase",
    "Vocabulary",
    "Role",
    "Group",
    "StatusTemplate",
    "Workflow",
    "TaxiiCollection",
    "StreamCollection",
    "Feed",
    "Settings",
)

# Where the kinds are defined (each module's KIND_CLASSES).
KIND_MODULES: tuple[str, ...] = (
    "j1sync.providers.opencti.kinds_data",
    "j1sync.providers.opencti.kinds_access",
    "j1sync.providers.opencti.kinds_sharing",
)


class OpenCtiMetadata(StrictModel):
    name: ObjectName = Field(description="The object's natural key in OpenCTI (docs/opencti.md).")


def kind_classes() -> dict[str, Any]:
    """Bare kind -> its kind class, in ALL_KINDS order, from the modules that are there."""
    found: dict[str, Any] = {}
    for module_name in KIND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # not written yet
            raise
        for cls in getattr(module, "KIND_CLASSES", ()):
            found[cls.kind_name] = cls
    unknown = set(found) - set(ALL_KINDS)
    if unknown:
        raise RuntimeError(f"OpenCTI kinds not in models.ALL_KINDS: {sorted(unknown)}")
    return {kind: found[kind] for kind in ALL_KINDS if kind in found}


KIND_CLASSES = kind_classes()
KINDS: tuple[str, ...] = tuple(KIND_CLASSES)
SPEC_MODELS: dict[str, type[StrictModel]] = {k: c.spec_model for k, c in KIND_CLASSES.items()}

# Lists whose elements have an identity (plan output); a kinds module may add its own.
LIST_IDENTITIES: dict[str, tuple[ListIdentity, ...]] = {
    kind: tuple(getattr(cls, "list_identities", ())) for kind, cls in KIND_CLASSES.items()
}


class _Document(StrictModel):
    apiVersion: ApiVersion


def _document_model(kind: str, cls: Any) -> type[StrictModel]:
    """The whole document of one kind: apiVersion, kind, metadata (the natural key), spec."""
    metadata = cls.metadata_model or OpenCtiMetadata
    spec_model = cls.spec_model
    # a kind whose every field has a default may leave `spec` out (a label: just its name)
    optional = not any(f.is_required() for f in spec_model.model_fields.values())
    fields: dict[str, Any] = {
        "kind": (Literal.__getitem__(kind), ...),
        "metadata": (metadata, ...),
        "spec": (spec_model, Field(default_factory=spec_model) if optional else ...),
    }
    model = create_model(
        f"OpenCti{kind}Document", __base__=_Document, __doc__=cls.spec_model.__doc__, **fields
    )
    return cast(type[StrictModel], model)


DOCUMENT_MODELS: dict[str, type[StrictModel]] = {
    kind: _document_model(kind, cls) for kind, cls in KIND_CLASSES.items()
}
