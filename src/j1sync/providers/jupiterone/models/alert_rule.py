"""AlertRule: a question rule instance, with an inline question or a reference to a
Question manifest (CreateInlineQuestionRuleInstanceInput /
CreateReferencedQuestionRuleInstanceInput)."""

from __future__ import annotations

from typing import Any

from pydantic import (
    ConfigDict,
    Field,
    JsonValue,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from j1sync.manifest.list_identity import ListIdentity
from j1sync.manifest.model_base import (
    NonBlank,
    ObjectName,
    StrictModel,
    given,
    rule_error,
)
from j1sync.providers.jupiterone.models.common import (
    DEFAULT_POLLING_INTERVAL,
    PollingInterval,
    check_unique_query_names,
    referenced_query_names,
)
from j1sync.providers.jupiterone.models.rule_condition import condition_problems, raise_all
from j1sync.providers.jupiterone.values import DEFAULT_QUERY_VERSION

# The action field that holds an integration instance's id (Terraform provider's rule
# example: CREATE_JIRA_TICKET), and the one a manifest names the instance with instead.
INSTANCE_ID = "integrationInstanceId"
INSTANCE_NAME = "integrationInstance"


class RuleQuery(StrictModel):
    """J1QueryInput: a question query without resultsAre."""

    name: NonBlank = Field(description="Names the query's results: queries.<name>.total")
    query: NonBlank
    version: str = DEFAULT_QUERY_VERSION
    includeDeleted: bool = False


class RuleQuestion(StrictModel):
    queries: list[RuleQuery] = Field(min_length=1)

    @field_validator("queries")
    @classmethod
    def _query_names_unique(cls, queries: list[RuleQuery]) -> list[RuleQuery]:
        check_unique_query_names([q.name for q in queries])
        return queries


class RuleCondition(StrictModel):
    """An operation's `when`: e.g. {type: FILTER, condition: [AND, [queries.q.total, >, 0]]}."""

    type: NonBlank = "FILTER"
    version: int = 1
    condition: list[JsonValue] = Field(
        description="Nested list: [AND|OR, [left, operator, right], ...].",
        json_schema_extra={"minItems": 1},  # _condition_shape
    )

    @field_validator("condition")
    @classmethod
    def _condition_shape(cls, condition: list[JsonValue]) -> list[JsonValue]:
        raise_all(cls.__name__, condition_problems(condition))
        return condition


class RuleAction(StrictModel):
    """A free-form action object (SET_PROPERTY, CREATE_ALERT, SEND_EMAIL, WEBHOOK, ...).

    Only `type` is required; every other key is passed to the API as written, except
    `integrationInstance`, which j1sync sends as the instance's `integrationInstanceId`."""

    model_config = ConfigDict(extra="allow")

    type: NonBlank
    integrationInstance: NonBlank | None = Field(
        default=None,
        description="The name of the integration instance the action targets (a Jira, "
        "Slack, ... instance); j1sync sends its id as integrationInstanceId. Where two "
        "instances share a name, write 'name (definition type)'.",
    )

    @model_validator(mode="after")
    def _one_instance_reference(self) -> RuleAction:
        if self.integrationInstance is not None and INSTANCE_ID in (self.model_extra or {}):
            raise rule_error(
                f"give either integrationInstance (a name) or {INSTANCE_ID}, not both",
                ("integrationInstance",),
            )
        return self

    @model_serializer(mode="wrap")
    def _without_absent_instance(self, dump: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """An action dumps as written: no `integrationInstance: null` where none is named."""
        data: dict[str, Any] = dump(self)
        if data.get(INSTANCE_NAME) is None:
            data.pop(INSTANCE_NAME, None)
        return data


class RuleOperation(StrictModel):
    when: RuleCondition | None = None
    actions: list[RuleAction] = Field(default_factory=list)


class AlertRuleSpec(StrictModel):
    """metadata.name is the rule's `name`."""

    # _one_question_source, for editors
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [given("question"), given("questionRef")]}
    )

    description: str | None = None
    pollingInterval: PollingInterval = DEFAULT_POLLING_INTERVAL
    question: RuleQuestion | None = Field(default=None, description="Inline question.")
    questionRef: NonBlank | None = Field(
        default=None, description="metadata.name of a Question manifest."
    )
    operations: list[RuleOperation] = Field(default_factory=list)
    outputs: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Label name -> value.",
        json_schema_extra={"propertyNames": {"minLength": 1}},  # _label_names
    )
    templates: dict[str, JsonValue] | None = None
    notifyOnFailure: bool = False
    triggerActionsOnNewEntitiesOnly: bool = False
    ignorePreviousResults: bool = False
    remediationSteps: str | None = None
    resourceGroup: ObjectName | None = Field(
        default=None, description="metadata.name of a ResourceGroup manifest."
    )

    @field_validator("labels")
    @classmethod
    def _label_names(cls, labels: dict[str, str]) -> dict[str, str]:
        if "" in labels:
            raise rule_error("a label's name must not be empty")
        return labels

    @model_validator(mode="after")
    def _one_question_source(self) -> AlertRuleSpec:
        if self.question is not None and self.questionRef is not None:
            raise rule_error("give either question or questionRef, not both", ("questionRef",))
        if self.question is None and self.questionRef is None:
            raise rule_error("one of question (inline) or questionRef is required")
        if self.question is not None:
            known = {q.name for q in self.question.queries}
            unknown = [
                (path, unknown_query_message(name, sorted(known)))
                for path, name in self.query_references()
                if name not in known
            ]
            raise_all(type(self).__name__, unknown)
        return self

    def query_references(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(field path below spec, query name) for each `queries.<name>` the rule uses."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        for index, operation in enumerate(self.operations):
            if operation.when is not None:
                for name in referenced_query_names(operation.when.condition):
                    found.append((("operations", index, "when", "condition"), name))
        for index, output in enumerate(self.outputs):
            for name in referenced_query_names(output):
                found.append((("outputs", index), name))
        return found


def unknown_query_message(name: str, known: list[str]) -> str:
    listed = ", ".join(known) if known else "none"
    return f"refers to query '{name}', which the question does not define (queries: {listed})"


# Where a rule action points: the first of these fields an action has.
ACTION_TARGETS = (
    "targetProperty",
    INSTANCE_NAME,
    INSTANCE_ID,
    "channels",
    "recipients",
    "project",
    "endpoint",
    "url",
    "webhookUrl",
)

# How a plan matches a rule's list elements: queries by name, operations by condition
# (one whose condition changed is still the same operation), actions by type and target.
RULE_LISTS = (
    ListIdentity("question.queries", ("name",)),
    ListIdentity("operations", ("when",), pair_unmatched=True),
    ListIdentity("operations[].actions", ("type", ACTION_TARGETS)),
)
