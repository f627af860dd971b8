"""The workflow and sharing manifests the tests of tests/opencti/test_sharing*.py start from,
as data (a test changes one value and writes them again), and reading the emulator's
workflow statuses."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from tests.opencti.helpers import Platform, document

FILTERS: dict[str, Any] = {
    "mode": "and",
    "filters": [{"key": ["entity_type"], "values": ["Report"], "operator": "eq", "mode": "or"}],
    "filterGroups": [],
}


def sharing_documents() -> list[dict[str, Any]]:
    """One object of every workflow and sharing kind (fresh copies)."""
    return copy.deepcopy(
        [
            document("StatusTemplate", "TRIAGE", {"color": "#123456"}),
            document("Workflow", "Report", {"statuses": ["NEW", "TRIAGE", "ANALYZED"]}),
            document(
                "TaxiiCollection",
                "Reports",
                {"description": "Every report.", "filters": {"filters": [FILTERS["filters"][0]]}},
            ),
            document("StreamCollection", "Live", {"stream_live": True}),
            document(
                "Feed",
                "Indicators",
                {
                    "feed_types": ["Indicator"],
                    "feed_attributes": [
                        {
                            "attribute": "value",
                            "mappings": [{"type": "Indicator", "attribute": "name"}],
                        }
                    ],
                },
            ),
            document("Settings", "platform", {"platform_title": "Our CTI"}),
        ]
    )


def write_documents(platform: Platform, documents: list[dict[str, Any]], folder: str = "m") -> str:
    """The documents as one YAML file in `folder`, with a j1sync.yaml naming it."""
    platform.write("j1sync.yaml", f"paths: [{folder}]\n")
    platform.write(f"{folder}/sharing.yaml", yaml.safe_dump_all(documents, sort_keys=False))
    return folder


def spec_of(documents: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    """The spec of the (first) document of `kind` (named `name`), to change in place."""
    for doc in documents:
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name):
            spec: dict[str, Any] = doc["spec"]
            return spec
    raise KeyError((kind, name))


def workflow(platform: Platform, entity_type: str) -> list[tuple[str, str, int]]:
    """(status id, template name, order) of an entity type's statuses, in their order."""
    names = {t["id"]: t["name"] for t in platform.stored("status_templates")}
    statuses = [s for s in platform.stored("statuses") if s["type"] == entity_type]
    statuses.sort(key=lambda s: (s["order"], s["id"]))
    return [(s["id"], names[s["template_id"]], s["order"]) for s in statuses]
