"""Where each JupiterOne root field is sent: the one table of root field -> API area.

JupiterOne documents three per-area endpoints under `https://api.<region>.jupiterone.io`
(api-docs.md): `/graphql` (J1QL, entities, questions, integrations), `/rules/graphql`
(alert rules) and `/iam/graphql` (IAM, beta). Both official clients — JupiterOne's
Terraform provider and the `jupiterone` Python client — send every operation to one
gateway instead, `https://graphql.<region>.jupiterone.io/`, and the recordings
(reference/jupiterone/recordings) show it answering rule, question, IAM and integration
operations alike.

j1sync offers both (`--endpoint-mode`, `J1SYNC_ENDPOINT_MODE`):

- `gateway` (the default): every request to the gateway. The newest evidence — the
  recorded live exchanges and both maintained official clients — uses it.
- `per-area`: the documented paths, each root field to its area's path per this table.

`documented` marks a placement the API docs state; the emulator rejects such a field on
another area's path as the live per-area endpoints would. The other placements are
j1sync's choice by API family (no document places them): the emulator accepts them on
every path, since nothing says the live API would not.

This module is plain data and is shared by the client and the emulator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from j1sync.providers.jupiterone.settings import Settings

Area = Literal["graphql", "rules", "iam"]
EndpointMode = Literal["gateway", "per-area"]

ENDPOINT_MODES: tuple[EndpointMode, ...] = ("gateway", "per-area")
DEFAULT_ENDPOINT_MODE: EndpointMode = "gateway"
ENV_ENDPOINT_MODE = "J1SYNC_ENDPOINT_MODE"

AREA_PATHS: Mapping[Area, str] = {
    "graphql": "/graphql",
    "rules": "/rules/graphql",
    "iam": "/iam/graphql",
}
GATEWAY_PATH = "/"


@dataclass(frozen=True)
class Placement:
    area: Area
    documented: bool  # api-docs.md names this field under the area's endpoint


def _fields(area: Area, documented: bool, names: str) -> dict[str, Placement]:
    return dict.fromkeys(names.split(), Placement(area, documented))


ROOT_FIELDS: Mapping[str, Placement] = {
    # api-docs.md "Alert and Rules Operations", Endpoint: /rules/graphql
    **_fields(
        "rules",
        True,
        "createInlineQuestionRuleInstance updateInlineQuestionRuleInstance "
        "createReferencedQuestionRuleInstance updateReferencedQuestionRuleInstance "
        "deleteRuleInstance evaluateRuleInstance",
    ),
    # rule reads: the rules family, no document places them
    **_fields("rules", False, "listRuleInstances questionRuleInstance"),
    # api-docs.md "Question Operations", Endpoint: /graphql
    **_fields("graphql", True, "createQuestion updateQuestion deleteQuestion"),
    # api-docs.md: J1QL ("Entity and Relationship Queries", Endpoint: /graphql) and
    # "Trigger an Integration Job via API" (POST .../graphql)
    **_fields("graphql", True, "queryV1 invokeIntegrationInstance"),
    # question lists, integrations (the docs' section names no endpoint), the parameter
    # store: /graphql by family
    **_fields(
        "graphql",
        False,
        "questions question integrationDefinitions integrationDefinition "
        "findIntegrationDefinition integrationInstances integrationInstancesV2 "
        "integrationInstance createIntegrationInstance updateIntegrationInstance "
        "deleteIntegrationInstance "
        "parameter parameterList setParameter deleteParameter",
    ),
    # api-docs.md "IAM Operations (beta)", Endpoint: /iam/graphql
    **_fields(
        "iam",
        True,
        "iamGroups iamGroupUsers createIamGroup updateIamGroup "
        "addIamUserToGroupByEmail removeIamUserFromGroupByEmail",
    ),
    # recorded on the gateway (TestUserGroup_Basic) or only in the schema: IAM by family
    **_fields(
        "iam",
        False,
        "iamGetGroup deleteIamGroup iamGroupQueryPolicy iamGetGroupList iamGetGroupBatch "
        "iamGetUserList",
    ),
    # resource groups and permissions (IamResourceGroup, IamResourcePermission): only the
    # Terraform provider's operations on the gateway show them; IAM by family
    **_fields(
        "iam",
        False,
        "resourceGroups resourceGroup createResourceGroup updateResourceGroup "
        "deleteResourceGroup getResourcePermissions setResourcePermission "
        "deleteResourcePermission",
    ),
    # Insights dashboards, widgets and board parameters: only the Terraform provider's and
    # the MCP server's operations on the gateway show them; /graphql by family
    **_fields(
        "graphql",
        False,
        "getDashboards getDashboard getWidget dashboardParameter createDashboard "
        "patchDashboard deleteDashboard createWidget updateWidget deleteWidget "
        "createDashboardParameter patchDashboardParameter deleteDashboardParameter",
    ),
}


def area_of(root_fields: Iterable[str], default: Area) -> Area:
    """The area of an operation's root fields (`default` for fields the table does not
    know). Fields of two areas in one operation are a j1sync bug: no per-area endpoint
    serves both."""
    areas = {ROOT_FIELDS[f].area for f in root_fields if f in ROOT_FIELDS}
    if len(areas) > 1:
        raise ValueError(f"one operation mixes API areas {sorted(areas)}: {list(root_fields)}")
    return next(iter(areas), default)


def endpoint_path(mode: EndpointMode, area: Area) -> str:
    return GATEWAY_PATH if mode == "gateway" else AREA_PATHS[area]


def gateway_base_url(region: str) -> str:
    return f"https://graphql.{region}.jupiterone.io"


def endpoint_url(settings: Settings, area: Area) -> str:
    """The URL a request of `area` goes to. An `api_url` override (the emulator, a proxy)
    replaces the host of either mode: the gateway is then its root path."""
    if parse_endpoint_mode(settings.endpoint_mode) == "gateway":
        base = settings.api_url.rstrip("/") if settings.api_url else None
        return (base or gateway_base_url(settings.region)) + GATEWAY_PATH
    return settings.base_url + AREA_PATHS[area]


def parse_endpoint_mode(value: str | None) -> EndpointMode:
    """A mode as given (flag, J1SYNC_ENDPOINT_MODE); None or "" is the default."""
    chosen = (value or DEFAULT_ENDPOINT_MODE).strip()
    if chosen not in ENDPOINT_MODES:
        raise ValueError(
            f"endpoint mode must be one of {', '.join(ENDPOINT_MODES)}, got {chosen!r}"
        )
    return chosen


def misplaced(path: str, root_fields: Iterable[str]) -> tuple[str, str] | None:
    """(field, its documented path) for the first root field that the docs place on
    another area's endpoint than `path`; None on the gateway and for fields whose
    placement is undocumented. For the emulator."""
    if path == GATEWAY_PATH:
        return None
    for name in root_fields:
        placement = ROOT_FIELDS.get(name)
        if placement is not None and placement.documented:
            documented = AREA_PATHS[placement.area]
            if documented != path:
                return name, documented
    return None
