"""The ABAC permission strings an IAM group may grant.

Copied from the permission tables of JupiterOne's IAM API documentation (createIamGroup /
updateIamGroup, "Permission Strings: READ-ONLY" and "Permission Strings: ADMIN"), so the
package never reads the reference material at run time.
"""

from __future__ import annotations

import difflib

from j1sync.manifest.model_base import rule_error

READ_ONLY_PERMISSIONS: tuple[str, ...] = (
    "fullReadAccess",
    "readQuestions",
    "readGraph",
    "accessLanding",
    "accessAssets",
    "accessPolicies",
    "accessCompliance",
    "accessRules",
    "accessGalaxy",
    "accessInsights",
    "accessIntegrations",
    "accessEndpointCompliance",
)

ADMIN_PERMISSIONS: tuple[str, ...] = (
    "accessAdmin",
    "writeQuestions",
    "writeGraph",
    "adminLanding",
    "adminAssets",
    "adminPolicies",
    "adminCompliance",
    "adminRules",
    "adminGalaxy",
    "adminInsights",
    "adminIntegrations",
    "adminEndpointCompliance",
    "apiKeyUser",
)

ABAC_PERMISSIONS: tuple[str, ...] = READ_ONLY_PERMISSIONS + ADMIN_PERMISSIONS


def nearest_permission(candidate: str) -> str | None:
    """The valid permission string closest to `candidate`, or None when nothing is close.

    Case-insensitive first (`AccessRules` -> `accessRules`), then difflib's ratio."""
    by_lower = {p.lower(): p for p in ABAC_PERMISSIONS}
    if candidate.lower() in by_lower:
        return by_lower[candidate.lower()]
    matches = difflib.get_close_matches(candidate, ABAC_PERMISSIONS, n=1, cutoff=0.6)
    return matches[0] if matches else None


def check_permission(value: str) -> str:
    """Pydantic after-validator: accept only documented permission strings."""
    if value in ABAC_PERMISSIONS:
        return value
    nearest = nearest_permission(value)
    hint = f"; did you mean '{nearest}'?" if nearest else ""
    raise rule_error(f"unknown ABAC permission '{value}'{hint}")
