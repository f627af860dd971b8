"""A quick road for plain read queries, the bulk of the emulator's traffic (pages of rules,
questions, groups): the result is projected straight from the resolvers' dicts along the
selection set, instead of graphql-core completing every field of every object (~14 ms a
page of 100 rules, most of a benchmark page's CPU).

It only ever succeeds or gives up. It takes queries whose selection sets hold fields and
fragments on the very type selected (no directives, arguments below the root or abstract
types; fields that share a response key are merged, as graphql-core does), and it gives
up, before anything is sent, on anything graphql-core would treat specially: variables
or arguments that do not coerce, a resolver that raises, a null where the schema says
non-null, a leaf its type does not serialize, a value that is not the dict or list the
type expects. graphql-core then executes the query as before, so errors look exactly as
they did. Leaves are serialized by their GraphQL type's own `serialize`, as graphql-core
does; a test checks both roads agree on every query j1sync and the official client send.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    get_operation_ast,
    is_enum_type,
    is_scalar_type,
)
from graphql.execution.values import get_argument_values, get_variable_values

JsonObject = dict[str, Any]


class _GiveUp(Exception):
    """graphql-core must execute this one."""


@dataclass(frozen=True)
class _Shape:
    """How to complete a value of one output type for one selection set."""

    nullable: bool
    kind: str  # "leaf", "list" or "object"
    serialize: Callable[[Any], Any] | None = None  # leaf
    item: _Shape | None = None  # list
    fields: tuple[tuple[str, str, _Shape | None], ...] = ()  # object: key, name, shape
    type_name: str = ""  # object (for __typename)


@dataclass(frozen=True)
class _RootField:
    key: str
    name: str
    definition: GraphQLField
    node: FieldNode
    shape: _Shape


@dataclass(frozen=True)
class _Plan:
    operation: OperationDefinitionNode
    fields: tuple[_RootField, ...]


@dataclass(frozen=True)
class _Info:
    """What the emulator's root resolvers may read of graphql-core's resolve info."""

    context: Any
    field_name: str


def quick_execute(
    schema: GraphQLSchema,
    document: DocumentNode,
    root: Mapping[str, Any],
    variables: Mapping[str, Any],
    operation_name: str | None,
    context: Any,
) -> JsonObject | None:
    """The query's `data`, or None when graphql-core must execute it. Only for documents
    that already passed validation; resolvers may run twice (queries only: no effects)."""
    plan = _plan(schema, document, operation_name)
    if plan is None:
        return None
    try:
        coerced = get_variable_values(
            schema, plan.operation.variable_definitions or (), dict(variables)
        )
        if isinstance(coerced, list):
            return None  # graphql-core reports the variables' errors
        data: JsonObject = {}
        for field in plan.fields:
            arguments = get_argument_values(field.definition, field.node, coerced)
            value = root.get(field.name)
            if callable(value):
                value = value(_Info(context, field.name), **arguments)
            data[field.key] = _complete(field.shape, value)
    except (_GiveUp, GraphQLError):
        return None
    except Exception:  # a resolver's error: graphql-core reports it as a field error
        return None
    return data


def _complete(shape: _Shape, value: Any) -> Any:
    if value is None:
        if shape.nullable:
            return None
        raise _GiveUp
    if shape.kind == "leaf":
        assert shape.serialize is not None
        serialized = shape.serialize(value)
        if serialized is None or serialized is Undefined:
            raise _GiveUp
        return serialized
    if shape.kind == "list":
        if not isinstance(value, (list, tuple)):
            raise _GiveUp
        assert shape.item is not None
        return [_complete(shape.item, item) for item in value]
    if type(value) is not dict:
        raise _GiveUp
    out: JsonObject = {}
    for key, name, child in shape.fields:
        if child is None:  # __typename
            out[key] = shape.type_name
            continue
        found = value.get(name)
        if callable(found):
            raise _GiveUp
        out[key] = _complete(child, found)
    return out


_PLANS: dict[tuple[int, int, str | None], tuple[GraphQLSchema, DocumentNode, _Plan | None]] = {}
_MAX_PLANS = 512


def _plan(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> _Plan | None:
    """Worked out once per document (AST nodes hash deeply: keyed by identity)."""
    key = (id(schema), id(document), operation_name)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is schema and cached[1] is document:
        return cached[2]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    try:
        plan = _new_plan(schema, document, operation_name)
    except _GiveUp:
        plan = None
    _PLANS[key] = (schema, document, plan)
    return plan


def _new_plan(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> _Plan | None:
    operation = get_operation_ast(document, operation_name)
    query_type = schema.query_type
    if operation is None or operation.operation != OperationType.QUERY or query_type is None:
        return None
    if operation.directives:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    fields: list[_RootField] = []
    for key, nodes in _collect([operation.selection_set], query_type, fragments).items():
        node = nodes[0]
        definition = query_type.fields.get(node.name.value)
        if definition is None or len(nodes) > 1:
            return None  # __typename or __schema at the root (introspection), or merging
        shape = _shape_of(definition.type, [node.selection_set], fragments)
        fields.append(_RootField(key, node.name.value, definition, node, shape))
    return _Plan(operation, tuple(fields))


def _collect(
    selection_sets: list[SelectionSetNode | None],
    type_: GraphQLObjectType,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> dict[str, list[FieldNode]]:
    """The fields the selection sets select on `type_`, by response key in first-seen
    order, as graphql-core collects them: fragments on this very type expanded (each named
    one once), fields with the same key merged. Directives, fragments on other types and
    arguments below the root are refused."""
    fields: dict[str, list[FieldNode]] = {}
    visited: set[str] = set()

    def walk(selection_set: SelectionSetNode | None) -> None:
        if selection_set is None:
            raise _GiveUp
        for selection in selection_set.selections:
            if selection.directives:
                raise _GiveUp
            if isinstance(selection, FieldNode):
                key = selection.alias.value if selection.alias else selection.name.value
                fields.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is not None and condition.name.value != type_.name:
                    raise _GiveUp
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = fragments.get(name)
                if (
                    fragment is None
                    or fragment.directives
                    or getattr(fragment, "variable_definitions", None)
                    or fragment.type_condition.name.value != type_.name
                ):
                    raise _GiveUp
                walk(fragment.selection_set)
            else:
                raise _GiveUp

    for selection_set in selection_sets:
        walk(selection_set)
    return fields


def _shape_of(
    type_: Any,
    selection_sets: list[SelectionSetNode | None],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> _Shape:
    nullable = not isinstance(type_, GraphQLNonNull)
    named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(named, GraphQLList):
        return _Shape(nullable, "list", item=_shape_of(named.of_type, selection_sets, fragments))
    if is_scalar_type(named) or is_enum_type(named):
        if any(selection_set is not None for selection_set in selection_sets):
            raise _GiveUp
        return _Shape(nullable, "leaf", serialize=named.serialize)
    if not isinstance(named, GraphQLObjectType) or named.is_type_of is not None:
        raise _GiveUp  # interfaces and unions need type resolution
    fields: list[tuple[str, str, _Shape | None]] = []
    for key, nodes in _collect(selection_sets, named, fragments).items():
        name = nodes[0].name.value
        if any(node.name.value != name or node.arguments for node in nodes):
            raise _GiveUp
        if name == "__typename":
            fields.append((key, name, None))
            continue
        definition = named.fields.get(name)
        if definition is None or definition.resolve is not None:
            raise _GiveUp
        children = [node.selection_set for node in nodes]
        fields.append((key, name, _shape_of(definition.type, children, fragments)))
    return _Shape(nullable, "object", fields=tuple(fields), type_name=named.name)
