"""Manifest models: one module per kind, plus the document envelope."""

from j1sync.manifest.list_identity import ListIdentity
from j1sync.providers.jupiterone.models.alert_rule import AlertRuleSpec
from j1sync.providers.jupiterone.models.dashboard import DashboardSpec
from j1sync.providers.jupiterone.models.documents import (
    API_VERSION,
    DOCUMENT_MODELS,
    KINDS,
    LIST_IDENTITIES,
    SPEC_MODELS,
    manifest_json_schema,
)
from j1sync.providers.jupiterone.models.iam_group import IamGroupSpec
from j1sync.providers.jupiterone.models.integration_schedule import IntegrationScheduleSpec
from j1sync.providers.jupiterone.models.parameter import ParameterSpec
from j1sync.providers.jupiterone.models.question import QuestionSpec
from j1sync.providers.jupiterone.models.resource_group import ResourceGroupSpec

__all__ = [
    "API_VERSION",
    "DOCUMENT_MODELS",
    "KINDS",
    "LIST_IDENTITIES",
    "SPEC_MODELS",
    "AlertRuleSpec",
    "DashboardSpec",
    "IamGroupSpec",
    "IntegrationScheduleSpec",
    "ListIdentity",
    "ParameterSpec",
    "QuestionSpec",
    "ResourceGroupSpec",
    "manifest_json_schema",
]
