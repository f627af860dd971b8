"""Whether a name can be a manifest's metadata.name: the one rule, each kind's own
(its system's metadata model: control characters, outer whitespace, length, an xyOps id's
pattern...). Export leaves out an object no manifest could name; the plan never deletes
one (no manifest could have declared it: pruning it would delete what j1sync cannot hold)."""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from j1sync.providers.registry import manifest_kind, system_of_kind


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` cannot be the metadata.name of a manifest of the engine kind `kind`, or
    None when it can (or the kind is no system's)."""
    system = system_of_kind(kind)
    if system is None or manifest_kind(kind) not in system.document_models:
        return None
    metadata = system.document_models[manifest_kind(kind)].model_fields["metadata"].annotation
    if not (isinstance(metadata, type) and issubclass(metadata, BaseModel)):
        return None
    try:
        metadata.model_validate({"name": name})
    except ValidationError as exc:
        return "; ".join(error["msg"] for error in exc.errors())
    return None
