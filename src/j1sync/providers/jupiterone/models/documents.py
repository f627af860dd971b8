"""The document envelope (apiVersion, kind, metadata, spec) and the JSON Schema of it."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union, get_args

from pydantic import BaseModel, Field, TypeAdapter, model_validator

from j1sync.manifest.json_schema import (
    JSON_SCHEMA_DIALECT,
    accept_env_references,
    drop_property_titles,
    require_non_empty_spec,
)
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
from j1sync.providers.jupiterone.settings import TITLE
from j1sync.providers.jupiterone.values import API_VERSION as API_VERSION  # the models' own
from j1sync.providers.jupiterone.values import KINDS as KINDS  # the models' own
from j1sync.providers.jupiterone.values import ApiVersion
from j1sync.providers.registry import check_kinds

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


class _Document(StrictModel):
    apiVersion: ApiVersion


class QuestionDocument(_Document):
    """A saved J1QL question."""

    kind: Literal["Question"]
    metadata: Metadata
    spec: QuestionSpec


class AlertRuleDocument(_Document):
    """An alert rule (question rule instance)."""

    kind: Literal["AlertRule"]
    metadata: Metadata
    spec: AlertRuleSpec


class IamGroupDocument(_Document):
    """An IAM group with its permissions, query policy and members."""

    kind: Literal["IamGroup"]
    metadata: Metadata
    spec: IamGroupSpec


class IntegrationScheduleDocument(_Document):
    """When an existing integration instance runs."""

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


class ParameterDocument(_Document):
    """A parameter of the account's parameter store."""

    kind: Literal["Parameter"]
    metadata: ParameterMetadata
    spec: ParameterSpec


class ResourceGroupDocument(_Document):
    """A resource group with its permissions per IAM group or user."""

    kind: Literal["ResourceGroup"]
    metadata: Metadata
    # every field has a default (`permissions: []`): an empty spec, or none, is a group
    # with no permissions
    spec: ResourceGroupSpec = Field(default_factory=ResourceGroupSpec)


class DashboardDocument(_Document):
    """An Insights board with its widgets, layouts and parameters."""

    kind: Literal["Dashboard"]
    metadata: Metadata
    spec: DashboardSpec


# One document per kind of values.KINDS, in that order (each names its kind in its `kind`
# field).
_DOCUMENTS = (
    QuestionDocument,
    AlertRuleDocument,
    IamGroupDocument,
    IntegrationScheduleDocument,
    ResourceGroupDocument,
    ParameterDocument,
    DashboardDocument,
)


def _field_type(model: type[BaseModel], name: str) -> Any:
    return model.model_fields[name].annotation


DOCUMENT_MODELS: dict[str, type[StrictModel]] = {
    get_args(_field_type(model, "kind"))[0]: model for model in _DOCUMENTS
}
check_kinds(TITLE, KINDS, DOCUMENT_MODELS)
SPEC_MODELS: dict[str, type[BaseModel]] = {
    kind: _field_type(model, "spec") for kind, model in DOCUMENT_MODELS.items()
}

# Every kind's document, told apart by `kind` (the schema's oneOf).
AnyDocument: Any = Annotated[Union[_DOCUMENTS], Field(discriminator="kind")]  # noqa: UP007


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
    require_non_empty_spec(schema)
    accept_env_references(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, **schema}
