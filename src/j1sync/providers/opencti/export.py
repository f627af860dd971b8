"""Live OpenCTI objects -> manifest specs that load back into the same desired state
(export then plan changes nothing): each kind's `spec_of_live` (j1sync's marker taken out
of the marker field), defaults left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.export.specs import model_spec
from j1sync.manifest.document import DEFAULT_MANAGED_TAG
from j1sync.providers.opencti.kinds_base import OpenCtiKind
from j1sync.providers.opencti.models import KIND_CLASSES
from j1sync.providers.opencti.system import SYSTEM


def _builder(cls: type[OpenCtiKind]) -> Callable[[LiveObject, str], dict[str, Any]]:
    def build(live: LiveObject, managed_tag: str) -> dict[str, Any]:
        values = cls.spec_of_live(live, managed_tag or DEFAULT_MANAGED_TAG)
        return model_spec(cls.spec_model, values)

    return build


# engine kind (`opencti.Label`) -> spec builder, as export/specs.SPEC_BUILDERS
SPEC_BUILDERS: dict[str, Callable[[LiveObject, str], dict[str, Any]]] = {
    SYSTEM.engine_kind(kind): _builder(cls) for kind, cls in KIND_CLASSES.items()
}
