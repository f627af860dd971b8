"""One definition per rule (issue 12): each system's apiVersion is stated once (its
documents' `apiVersion` type, API_VERSION read from it), and each JupiterOne kind once (its
document's `kind`; the kind list, the spec models and the document models follow)."""

from __future__ import annotations

from typing import get_args

import pytest

from j1sync.providers.jupiterone.models import documents
from j1sync.providers.registry import System, systems


@pytest.mark.parametrize("system", systems(), ids=lambda s: s.name)
def test_every_document_takes_its_systems_one_api_version_and_its_own_kind(
    system: System,
) -> None:
    assert system.kinds == tuple(system.document_models)
    for kind, model in system.document_models.items():
        assert get_args(model.model_fields["apiVersion"].annotation) == (system.api_version,)
        assert get_args(model.model_fields["kind"].annotation) == (kind,)


def test_jupiterone_kinds_spec_models_and_documents_follow_one_list() -> None:
    assert documents.KINDS == (
        "Question",
        "AlertRule",
        "IamGroup",
        "IntegrationSchedule",
        "ResourceGroup",
        "Parameter",
        "Dashboard",
    )
    assert tuple(documents.SPEC_MODELS) == documents.KINDS
    for kind, model in documents.DOCUMENT_MODELS.items():
        assert model.model_fields["spec"].annotation is documents.SPEC_MODELS[kind]
    assert set(documents.LIST_IDENTITIES) <= set(documents.KINDS)
