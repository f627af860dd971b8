"""Values of OpenCTI's API that j1sync's kinds and its emulator both rely on, stated once
(as JupiterOne's values.py).

A leaf module (no other j1sync import): the emulator and the registry (system.py) read it
without loading the kinds.
"""

from __future__ import annotations

from typing import Literal, get_args

# The one apiVersion of OpenCTI manifests (the documents' field takes only it).
ApiVersion = Literal["opencti.j1sync/v1"]
API_VERSION: str = get_args(ApiVersion)[0]

# OpenCTI's FilterMode and FilterOperator enums (schema-6.9.17.graphql), in its order: what
# a FilterGroup's and a filter's `mode` and a filter's `operator` take.
FilterMode = Literal["and", "or"]
FilterOperator = Literal[
    "eq",
    "not_eq",
    "lt",
    "lte",
    "gt",
    "gte",
    "match",
    "wildcard",
    "contains",
    "not_contains",
    "ends_with",
    "not_ends_with",
    "starts_with",
    "not_starts_with",
    "script",
    "nil",
    "not_nil",
    "search",
    "within",
]

# The manifest kinds in dependency order (a kind comes after every kind its objects name):
# the kinds modules define one kind class each (models.KIND_CLASSES, checked to be exactly
# these, in this order, when it is imported).
KINDS: tuple[str, ...] = (
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

# The entity type every type that can have a workflow is a sub type of: what subTypes(type:)
# is asked for (docs/api-fidelity.md).
WORKFLOW_PARENT = "Stix-Domain-Object"
# A status's scope when it applies to every use of its entity type (the only one j1sync writes).
GLOBAL_SCOPE = "GLOBAL"

# The relationship types behind a role's capabilities, a group's roles and a group's
# allowed markings (relationAdd/relationDelete's relationship_type).
CAPABILITY_RELATION = "has-capability"
ROLE_RELATION = "has-role"
MARKING_RELATION = "accesses-to"

# A group's shareable markings are one stored attribute, a list of {type, value}: per
# marking definition type the id of the highest marking its members may share, or 'none'
# (that type not shareable); a type without an entry is shareable whole. The API's
# `max_shareable_marking` and `not_shareable_marking_types` are read from it, and a
# fieldPatch of this key replaces it (opencti-graphql domain/group.js, GroupEditionMarkings).
SHAREABLE_MARKINGS_KEY = "max_shareable_markings"
NOT_SHAREABLE = "none"
