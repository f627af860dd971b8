"""Workflows: StatusTemplate (a named, coloured status) and Workflow (the ordered statuses
of one entity type), kinds_sharing.KIND_CLASSES lists them.

A workflow is OpenCTI's `SubType` of an entity type (`Report`): its `statuses` each point
at a status template (`template_id`) with an `order`. j1sync's Workflow is keyed by the
entity type and its state is the template names in order (`statuses: [NEW, ANALYZED]`);
the `order` numbers are OpenCTI's way of keeping that order and are not compared. An
update removes the statuses whose template left the list (`statusDelete`), renumbers those
whose place changed (`statusFieldPatch` of `order`, 1, 2, 3... for the list's positions)
and adds the new ones (`statusAdd`), so an unchanged status keeps its id. Only the GLOBAL
statuses are the workflow; REQUEST_ACCESS statuses (the request-access flow, enterprise
edition) are left alone.

An entity type without statuses has the platform's default (no workflow): it is read as a
built-in Workflow with no statuses (never exported, never deleted), so a manifest
declaring `statuses: []` plans nothing for it. Workflows are never pruned (ownership.py):
a Workflow no manifest declares keeps its statuses.

A status template used by a workflow cannot go before the workflow's status: the plan
orders the delete after the workflow's update (a live workflow references its templates),
and the delete itself re-reads the template's `usages` and refuses while any status uses
it (a workflow j1sync does not manage): OpenCTI's statusTemplateDelete deletes every
status using the template with it, silently changing that workflow.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar

from j1sync.engine.contract import (
    DesiredObject,
    LiveObject,
    PrunePolicy,
    Resolver,
    address_of,
)
from j1sync.errors import BadUserInput
from j1sync.manifest.model_base import StrictModel
from j1sync.manifest.yaml_source import field_problem
from j1sync.providers.opencti.kinds_base import (
    EditInput,
    OpenCtiKind,
    did_you_mean,
    edit,
    engine_kind,
    names_of_kind,
)
from j1sync.providers.opencti.models_sharing import (
    NamedMetadata,
    StatusTemplateSpec,
    WorkflowSpec,
)
from j1sync.providers.opencti.values import GLOBAL_SCOPE, WORKFLOW_PARENT


def plain_list_document(
    field: str, node_fields: str, arguments: Mapping[str, str] | None = None
) -> str:
    """A paged list query of `field` for types without `entity_type` (status templates,
    sub types, collections, feeds); `arguments`: more variables, name -> GraphQL type."""
    extra = dict(arguments or {})
    declared = "".join(f", ${name}: {kind}" for name, kind in extra.items())
    passed = "".join(f", {name}: ${name}" for name in extra)
    return (
        f"query J1syncList($first: Int, $after: ID{declared}) {{\n"
        f"  {field}(first: $first, after: $after{passed}) {{\n"
        f"    edges {{ node {{ id {node_fields} }} }}\n"
        "    pageInfo { hasNextPage endCursor }\n"
        "  }\n"
        "}"
    )


class StatusTemplateKind(OpenCtiKind):
    kind_name = "StatusTemplate"
    spec_model = StatusTemplateSpec
    metadata_model: ClassVar[type[StrictModel] | None] = NamedMetadata
    prune: PrunePolicy = "opt-in"
    list_field = "statusTemplates"
    node_fields = "name color usages"
    add_mutation = "statusTemplateAdd"
    add_input = "StatusTemplateAddInput"
    name_folded = True

    def read_rows(self) -> list[dict[str, Any]]:
        document = plain_list_document(self.list_field, self.node_fields)
        return self.client.paged("list statusTemplates", document, self.list_field)

    def patch(self, object_id: str, edits: list[EditInput]) -> None:
        document = (
            "mutation J1syncPatch($id: ID!, $input: [EditInput!]!) {\n"
            "  statusTemplateFieldPatch(id: $id, input: $input) { id }\n"
            "}"
        )
        self.client.mutate("statusTemplateFieldPatch", document, {"id": object_id, "input": edits})

    def remove(self, object_id: str) -> None:
        """statusTemplateDelete, once no status uses the template (OpenCTI would take the
        statuses of workflows j1sync does not manage with it)."""
        document = (
            "query J1syncUsages($id: String!) {\n  statusTemplate(id: $id) { name usages }\n}"
        )
        found = self.client.query("statusTemplate", document, {"id": object_id})
        template = found.get("statusTemplate")
        if isinstance(template, Mapping) and int(template.get("usages") or 0) > 0:
            name = template.get("name") or object_id
            raise BadUserInput(
                f"{address_of(self.kind, str(name))} is used by {template['usages']} workflow "
                "status(es): remove it from those workflows (declare them with a Workflow "
                "manifest) before deleting it"
            )
        document = "mutation J1syncDelete($id: ID!) {\n  statusTemplateDelete(id: $id)\n}"
        self.client.mutate("statusTemplateDelete", document, {"id": object_id})


def template_address(name: str) -> str:
    return address_of(engine_kind("StatusTemplate"), name)


def global_statuses(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A sub type's GLOBAL statuses in their order (order, then id, as OpenCTI sorts)."""
    statuses = [
        dict(s)
        for s in raw.get("statuses") or []
        if isinstance(s, Mapping) and (s.get("scope") or GLOBAL_SCOPE) == GLOBAL_SCOPE
    ]
    return sorted(statuses, key=lambda s: (int(s.get("order") or 0), str(s.get("id"))))


def status_name(status: Mapping[str, Any]) -> str:
    template = status.get("template")
    if isinstance(template, Mapping) and template.get("name"):
        return str(template["name"])
    return str(status.get("template_id") or "")


class WorkflowKind(OpenCtiKind):
    kind_name = "Workflow"
    spec_model = WorkflowSpec
    prune: PrunePolicy = "never"
    # a status names its template: read when a plan deletes templates, so that one a
    # workflow no manifest declares still uses is kept (engine HoldsKinds), not refused
    # by `StatusTemplateKind.remove` on every apply
    holds_kinds = (engine_kind("StatusTemplate"),)
    list_field = "subTypes"
    node_fields = "statuses { id template_id template { id name } order scope }"

    def name_of(self, raw: Mapping[str, Any]) -> str:
        return str(raw.get("id") or "")

    def is_builtin(self, raw: Mapping[str, Any]) -> bool:
        """No statuses: the platform's default, nothing j1sync made or may remove."""
        return not global_statuses(raw)

    def raw_values(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {"statuses": [status_name(s) for s in global_statuses(raw)]}

    def references(self, name: str, state: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(sorted({template_address(n) for n in state.get("statuses") or []}))

    def read_rows(self) -> list[dict[str, Any]]:
        document = plain_list_document(self.list_field, self.node_fields, {"type": "String"})
        return self.client.paged(
            "list subTypes", document, self.list_field, {"type": WORKFLOW_PARENT}
        )

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """A Workflow names an entity type that has workflows (engine.ResolvesAgainstLive)."""
        known = sorted(obj.name for obj in live if obj.kind == self.kind)
        problems = [
            field_problem(
                obj.source,
                obj.address,
                ["metadata", "name"],
                f"'{obj.name}' is not an entity type with a workflow in OpenCTI"
                f"{did_you_mean(obj.name, known)} (types: {', '.join(known) or 'none'})",
            )
            for obj in desired
            if obj.name not in known
        ]
        return list(desired), problems

    def reference_problems(
        self, desired: Sequence[DesiredObject], known: Collection[str]
    ) -> list[str]:
        """Each status names a template declared in the run or in OpenCTI
        (engine.ChecksReferences)."""
        return [
            field_problem(
                obj.source,
                obj.address,
                ["spec", "statuses", index],
                f"no StatusTemplate named '{name}' is declared or in OpenCTI"
                f"{did_you_mean(name, names_of_kind('StatusTemplate', known))}",
            )
            for obj in desired
            for index, name in enumerate(obj.state.get("statuses") or [])
            if template_address(name) not in known
        ]

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        """Every entity type has a workflow already (read as built-in when empty): a
        create only happens when the type was not read, which resolve_desired refuses."""
        self._apply(desired.name, [], desired.state.get("statuses") or [], resolver)
        return desired.name

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        current = global_statuses(live.raw)
        self._apply(desired.name, current, desired.state.get("statuses") or [], resolver)

    def delete(self, live: LiveObject) -> None:
        """Never called by a plan (prune `never`); removes every GLOBAL status."""
        for status in global_statuses(live.raw):
            self._status_delete(live.name, str(status["id"]))

    def _apply(
        self,
        entity_type: str,
        current: Sequence[Mapping[str, Any]],
        wanted: Sequence[str],
        resolver: Resolver,
    ) -> None:
        """Delete what left, renumber what moved, add what is new (module docstring)."""
        kept: dict[str, Mapping[str, Any]] = {}
        for status in current:
            name = status_name(status)
            if name in wanted and name not in kept:
                kept[name] = status
            else:
                self._status_delete(entity_type, str(status["id"]))
        for position, name in enumerate(wanted, start=1):
            held = kept.get(name)
            if held is None:
                template_id = resolver.id_of(template_address(name))
                self._status_add(entity_type, template_id, position)
            elif int(held.get("order") or 0) != position:
                self._status_order(entity_type, str(held["id"]), position)

    def _status_add(self, entity_type: str, template_id: str, order: int) -> None:
        document = (
            "mutation J1syncStatusAdd($id: ID!, $input: StatusAddInput!) {\n"
            "  subTypeEdit(id: $id) { statusAdd(input: $input) { id } }\n"
            "}"
        )
        status = {"template_id": template_id, "order": order, "scope": GLOBAL_SCOPE}
        self.client.mutate("subTypeEdit.statusAdd", document, {"id": entity_type, "input": status})

    def _status_order(self, entity_type: str, status_id: str, order: int) -> None:
        document = (
            "mutation J1syncStatusPatch($id: ID!, $statusId: String!, $input: [EditInput]!) {\n"
            "  subTypeEdit(id: $id) { statusFieldPatch(statusId: $statusId, input: $input) "
            "{ id } }\n"
            "}"
        )
        variables = {"id": entity_type, "statusId": status_id, "input": [edit("order", [order])]}
        self.client.mutate("subTypeEdit.statusFieldPatch", document, variables)

    def _status_delete(self, entity_type: str, status_id: str) -> None:
        document = (
            "mutation J1syncStatusDelete($id: ID!, $statusId: String!) {\n"
            "  subTypeEdit(id: $id) { statusDelete(statusId: $statusId) { id } }\n"
            "}"
        )
        self.client.mutate(
            "subTypeEdit.statusDelete", document, {"id": entity_type, "statusId": status_id}
        )

    @classmethod
    def spec_of_live(cls, live: LiveObject, managed_tag: str) -> dict[str, Any]:
        return {"statuses": list(live.state.get("statuses") or [])}
