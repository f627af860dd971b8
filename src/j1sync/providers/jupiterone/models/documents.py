"""The document envelope (apiVersion, kind, metadata, spec) and the JSON Schema of it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from j1sync.manifest.json_schema import JSON_SCHEMA_DIALECT, drop_property_titles
from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import StrictModel
from j1sync.providers.jupiterone.models.alert_rule import RULE_LISTS, AlertRuleSpec
from j1sync.providers.jupiterone.models.common import Metadata
from j1sync.providers.jupiterone.models.dashboard import DASHBOARD_LISTS, DashboardSpec
from j1sync.providers.jupiterone.models.iam_group import GROUP_LISTS, IamGroupSpec
from j1sync.providers.jupiterone.models.integration_schedule import IntegrationScheduleSpec
from j1sync.providers.jupiterone.models.parameter import ParameterMetadata, ParameterSpec
from j1sync.providers.jupiterone.models.question import QUESTION_LISTS, QuestionSpec
from j1sync.providers.jupiterone.models.resource_group import (
    RESOURCE_GROUP_LISTS,
    ResourceGroupSpec,
)

API_VERSION = "j1sync/v1"

# The kinds, in the order j1sync lists them (validate's counts, export, schema).
SPEC_MODELS: dict[str, type[BaseModel]] = {
    "Question": QuestionSpec,
    "AlertRule": AlertRuleSpec,
    "IamGroup": IamGroupSpec,
    "IntegrationSchedule": IntegrationScheduleSpec,
    "ResourceGroup": ResourceGroupSpec,
    "Parameter": ParameterSpec,
    "Dashboard": DashboardSpec,
}
KINDS: tuple[str, ...] = tuple(SPEC_MODELS)

# Per kind, the lists whose elements have an identity (list_identity.py).
LIST_IDENTITIES: dict[str, tuple[ListIdentity, ...]] = {
    "Question": QUESTION_LISTS,
    "AlertRule": RULE_LISTS,
    "IamGroup": GROUP_LISTS,
    "IntegrationSchedule": (),
    "ResourceGroup": RESOURCE_GROUP_LISTS,
    "Parameter": (),
    "Dashboard": DASHBOARD_LISTS,
}


class QuestionDocument(StrictModel):
    """A saved J1QL question."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["Question"]
    metadata: Metadata
    spec: QuestionSpec


class AlertRuleDocument(StrictModel):
    """An alert rule (question rule instance)."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["AlertRule"]
    metadata: Metadata
    spec: AlertRuleSpec


class IamGroupDocument(StrictModel):
    """An IAM group with its permissions, query policy and members."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["IamGroup"]
    metadata: Metadata
    spec: IamGroupSpec


class IntegrationScheduleDocument(StrictModel):
    """When an existing integration instance runs."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["IntegrationSchedule"]
    metadata: Metadata
    spec: IntegrationScheduleSpec

    @model_validator(mode="after")
    def _instance_defaults_to_name(self) -> IntegrationScheduleDocument:
        """`spec.instance` left out names the instance of `metadata.name`."""
        if self.spec.instance is None:
            named = self.spec.model_copy(update={"instance": self.metadata.name})
            object.__setattr__(self, "spec", named)  # frozen: set once, while validating
        return self


class ParameterDocument(StrictModel):
    """A parameter of the account's parameter store."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["Parameter"]
    metadata: ParameterMetadata
    spec: ParameterSpec


class ResourceGroupDocument(StrictModel):
    """A resource group with its permissions per IAM group."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["ResourceGroup"]
    metadata: Metadata
    spec: ResourceGroupSpec


class DashboardDocument(StrictModel):
    """An Insights board with its widgets, layouts and parameters."""

    apiVersion: Literal["j1sync/v1"]
    kind: Literal["Dashboard"]
    metadata: Metadata
    spec: DashboardSpec


DOCUMENT_MODELS: dict[str, type[StrictModel]] = {
    "Question": QuestionDocument,
    "AlertRule": AlertRuleDocument,
    "IamGroup": IamGroupDocument,
    "IntegrationSchedule": IntegrationScheduleDocument,
    "ResourceGroup": ResourceGroupDocument,
    "Parameter": ParameterDocument,
    "Dashboard": DashboardDocument,
}

AnyDocument = Annotated[
    QuestionDocument
    | AlertRuleDocument
    | IamGroupDocument
    | IntegrationScheduleDocument
    | ResourceGroupDocument
    | ParameterDocument
    | DashboardDocument,
    Field(discriminator="kind"),
]


def manifest_json_schema(kind: str | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one manifest document: of every kind (oneOf,
    discriminated by `kind`) or of one kind. For editors via yaml-language-server."""
    if kind is None:
        schema = TypeAdapter(AnyDocument).json_schema()
        title = "j1sync manifest"
    else:
        schema = DOCUMENT_MODELS[kind].model_json_schema()
        title = f"j1sync {kind} manifest"
    drop_property_titles(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, **schema}
