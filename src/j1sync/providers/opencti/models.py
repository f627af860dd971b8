"""OpenCTI manifest models: one document model per kind, collected from the kinds modules.

Each kinds module (`KIND_MODULES`) defines `KIND_CLASSES` (kinds_base.py says how); its
classes' `spec_model` and `metadata_model` make the document models here. Together they
define exactly the kinds of values.KINDS, in that order (checked on import); the
apiVersion is values.py's too.
"""

from __future__ import annotations

import importlib
from typing import Any, Literal, cast

from pydantic import Field, create_model

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import ObjectName, StrictModel
from j1sync.providers.opencti.settings import TITLE
from j1sync.providers.opencti.values import API_VERSION as API_VERSION  # the models' own
from j1sync.providers.opencti.values import KINDS, ApiVersion
from j1sync.providers.registry import check_kinds

# Where the kinds are defined (each module's KIND_CLASSES).
KIND_MODULES: tuple[str, ...] = (
    "j1sync.providers.opencti.kinds_data",
    "j1sync.providers.opencti.kinds_access",
    "j1sync.providers.opencti.kinds_sharing",
)


class OpenCtiMetadata(StrictModel):
    name: ObjectName = Field(description="The object's natural key in OpenCTI (docs/opencti.md).")


def kind_classes() -> dict[str, Any]:
    """Bare kind -> its kind class, in values.KINDS order, from the kinds modules."""
    found: dict[str, Any] = {}
    for module_name in KIND_MODULES:
        for cls in importlib.import_module(module_name).KIND_CLASSES:
            found[cls.kind_name] = cls
    ordered = {kind: found[kind] for kind in KINDS if kind in found}
    check_kinds(TITLE, KINDS, [*ordered, *(kind for kind in found if kind not in ordered)])
    return ordered


KIND_CLASSES = kind_classes()
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
