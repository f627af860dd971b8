"""The document envelope (apiVersion, kind, metadata, spec) and the JSON Schema of it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter

from j1sync.manifest.models.alert_rule import RULE_LISTS, AlertRuleSpec
from j1sync.manifest.models.common import Metadata, StrictModel
from j1sync.manifest.models.dashboard import DASHBOARD_LISTS, DashboardSpec
from j1sync.manifest.models.iam_group import GROUP_LISTS, IamGroupSpec
from j1sync.manifest.models.integration_schedule import IntegrationScheduleSpec
from j1sync.manifest.models.list_identity import ListIdentity
from j1sync.manifest.models.parameter import ParameterMetadata, ParameterSpec
from j1sync.manifest.models.question import QUESTION_LISTS, QuestionSpec
from j1sync.manifest.models.resource_group import RESOURCE_GROUP_LISTS, ResourceGroupSpec

API_VERSION = "j1sync/v1"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

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
    _drop_property_titles(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, **schema}


def documents_json_schema(
    title: str, models: Sequence[type[BaseModel]], kind: str | None = None
) -> dict[str, Any]:
    """The same, for any system's document models (`j1sync schema --system`): of every
    kind (oneOf, discriminated by `kind`), or of the one model whose kind is `kind`."""
    if kind is None and len(models) > 1:
        union: Any = Union[tuple(models)]  # noqa: UP007
        schema = TypeAdapter(Annotated[union, Field(discriminator="kind")]).json_schema()
        name = f"{title} manifest"
    elif kind is None:
        schema = models[0].model_json_schema()
        name = f"{title} manifest"
    else:
        (model,) = [m for m in models if _kind_of(m) == kind]
        schema = model.model_json_schema()
        name = f"{title} {kind} manifest"
    _drop_property_titles(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "title": name}


def _kind_of(model: type[BaseModel]) -> Any:
    annotation = model.model_fields["kind"].annotation
    return getattr(annotation, "__args__", (None,))[0]


def _drop_property_titles(schema: Any) -> None:
    """Pydantic titles each property after its name ("Pollinginterval"): noise in an
    editor's hover, where the key itself is already shown. Also the same schema from every
    pydantic version the project allows: a free-form mapping (`dict[str, Any]`) is
    `additionalProperties: true` in newer pydantic and plain `type: object` in 2.10; the
    two mean the same (JSON Schema allows any property unless told otherwise), so the
    redundant `true` goes."""
    if isinstance(schema, dict):
        for property_schema in (schema.get("properties") or {}).values():
            if isinstance(property_schema, dict):
                property_schema.pop("title", None)
        if schema.get("additionalProperties") is True and "properties" not in schema:
            del schema["additionalProperties"]
        for value in schema.values():
            _drop_property_titles(value)
    elif isinstance(schema, list):
        for item in schema:
            _drop_property_titles(item)
