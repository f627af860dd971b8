"""Rule conditions' comparisons that JupiterOne's docs and examples do not show: a
warning at each, never a refusal (which comparisons JupiterOne takes is not documented;
models/rule_condition.py refuses only what cannot be right)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest, problem_at
from j1sync.providers.jupiterone.models.alert_rule import AlertRuleSpec
from j1sync.providers.jupiterone.models.rule_condition import KNOWN_COMPARISONS, comparisons

log = logging.getLogger("j1sync.manifest")


def comparison_warnings(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """Log a warning at each comparison of a rule condition not among KNOWN_COMPARISONS;
    no problems (the list is the checks' common shape)."""
    known = ", ".join(sorted(KNOWN_COMPARISONS))
    for item in loaded:
        spec = item.manifest.spec
        if not isinstance(spec, AlertRuleSpec):
            continue
        for index, operation in enumerate(spec.operations):
            if operation.when is None:
                continue
            for path, comparison in comparisons(operation.when.condition):
                if comparison in KNOWN_COMPARISONS:
                    continue
                where = ("spec", "operations", index, "when", "condition", *path)
                warning = problem_at(
                    item,
                    where,
                    f"warning: comparison '{comparison}' is not one JupiterOne's rule docs "
                    f"show ({known}); JupiterOne may refuse or misread it",
                )
                log.warning("%s", warning.line())
    return []
