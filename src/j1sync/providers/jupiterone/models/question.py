"""Question: a saved J1QL question (QuestionQueryInput, QuestionComplianceMetaDataInput)."""

from __future__ import annotations

from pydantic import Field, field_validator

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import NonBlank, StrictModel
from j1sync.providers.jupiterone.models.common import (
    DEFAULT_POLLING_INTERVAL,
    PollingInterval,
    ResultsAre,
    check_unique_query_names,
)
from j1sync.providers.jupiterone.values import DEFAULT_QUERY_VERSION, DEFAULT_RESULTS_ARE


class QuestionQuery(StrictModel):
    name: NonBlank = Field(description="Names the query's results: queries.<name>.total")
    query: NonBlank = Field(description="The J1QL query.")
    version: str = DEFAULT_QUERY_VERSION
    resultsAre: ResultsAre = DEFAULT_RESULTS_ARE
    includeDeleted: bool = False


class ComplianceMapping(StrictModel):
    standard: NonBlank = Field(description='Compliance standard, e.g. "CIS AWS Foundations".')
    requirements: list[str] = Field(default_factory=list)
    controls: list[str] = Field(default_factory=list)


class QuestionSpec(StrictModel):
    """metadata.name is stored in the question's `name` field."""

    title: NonBlank
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    showTrend: bool = False
    pollingInterval: PollingInterval = DEFAULT_POLLING_INTERVAL
    queries: list[QuestionQuery] = Field(min_length=1)
    compliance: list[ComplianceMapping] = Field(default_factory=list)

    @field_validator("queries")
    @classmethod
    def _query_names_unique(cls, queries: list[QuestionQuery]) -> list[QuestionQuery]:
        check_unique_query_names([q.name for q in queries])
        return queries

    def query_names(self) -> list[str]:
        return [q.name for q in self.queries]


# Queries are told apart by name, compliance entries by standard (plan output).
QUESTION_LISTS = (
    ListIdentity("queries", ("name",)),
    ListIdentity("compliance", ("standard",)),
)
