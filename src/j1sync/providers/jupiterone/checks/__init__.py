"""JupiterOne's checks across its manifests, run by the loader through the registry
(extras["document_problems"], manifest/cross_checks.py): integration schedules of one
instance, references between manifests (questionRef, resourceGroup, a widget's question),
J1QL, and the comparisons of rule conditions (warnings)."""

from __future__ import annotations

from collections.abc import Sequence

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest
from j1sync.providers.jupiterone.checks.conditions import comparison_warnings
from j1sync.providers.jupiterone.checks.conflicts import conflict_problems
from j1sync.providers.jupiterone.checks.query_checks import query_problems
from j1sync.providers.jupiterone.checks.references import (
    question_ref_problems,
    resource_group_ref_problems,
    widget_question_problems,
)


def document_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """Every problem of JupiterOne's manifests of a run that no single document shows."""
    return [
        *conflict_problems(loaded),
        *question_ref_problems(loaded),
        *resource_group_ref_problems(loaded),
        *widget_question_problems(loaded),
        *query_problems(loaded),
        *comparison_warnings(loaded),
    ]
