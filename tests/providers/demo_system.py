"""A small second system registered only by tests (providers/registry.py `registered`):
one kind, `Widget`, under `apiVersion: demo.j1sync/v1`, for the loader's and the
j1sync.yaml's dispatch by system. It has no provider: tests that need a live system use
the real emulators."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from j1sync.manifest.model_base import NonBlank, ObjectName, StrictModel
from j1sync.providers.registry import System

DEMO_API_VERSION = "demo.j1sync/v1"


class Metadata(StrictModel):
    name: ObjectName  # the generic name rules (manifest/model_base.py)


class WidgetSpec(StrictModel):
    size: int = Field(ge=1)
    colour: str = "grey"


class WidgetDocument(StrictModel):
    apiVersion: Literal["demo.j1sync/v1"]
    kind: Literal["Widget"]
    metadata: Metadata
    spec: WidgetSpec


class DemoTarget(StrictModel):
    url: NonBlank | None = None
    workspace: NonBlank | None = None


DEMO = System(
    name="demo",
    title="Demo",
    api_versions=(DEMO_API_VERSION,),
    kinds=("Widget",),
    document_models={"Widget": WidgetDocument},
    settings_model=DemoTarget,
)


def widget(name: str, size: int = 1) -> str:
    return (
        f"apiVersion: {DEMO_API_VERSION}\nkind: Widget\nmetadata:\n  name: {name}\n"
        f"spec:\n  size: {size}\n"
    )
