"""A live JupiterOne object's normalized state -> the smallest manifest spec that means
the same (export/specs.py says how; the registry finds these as extras["export_specs"])."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.export.specs import SpecBuilder, model_spec, without_defaults
from j1sync.manifest.model_base import model_defaults
from j1sync.providers.jupiterone.models import SPEC_MODELS
from j1sync.providers.jupiterone.models.alert_rule import RuleCondition, RuleQuery
from j1sync.providers.jupiterone.models.dashboard import BoardParameter, LayoutItem, Widget
from j1sync.providers.jupiterone.models.question import ComplianceMapping, QuestionQuery
from j1sync.providers.jupiterone.models.resource_group import ResourcePermission

log = logging.getLogger("j1sync.export")

# Fields written even when they equal the model's default: omitting them would change
# what j1sync manages (members: authoritative when present) or lose a fact the live
# object has (definition: the integration type, kept so a reader knows what runs).
ALWAYS_WRITTEN: dict[str, frozenset[str]] = {
    "IamGroup": frozenset({"members"}),
    "IntegrationSchedule": frozenset({"pollingInterval", "definition"}),
}


def ordered_spec(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level spec keys in the model's field order, defaults left out."""
    return model_spec(SPEC_MODELS[kind], values, ALWAYS_WRITTEN.get(kind, frozenset()))


def _tags(state: Mapping[str, Any], managed_tag: str) -> list[str]:
    """The managed tag is j1sync's own marker, added to every desired state: not written."""
    return [tag for tag in state.get("tags") or [] if tag != managed_tag]


def _query(query: Mapping[str, Any], fields: Iterable[str], defaults: Mapping[str, Any]) -> Any:
    return without_defaults({k: query.get(k) for k in fields}, defaults)


# What a query without a name is exported as: `query<its index>` (JupiterOne's own default
# names, those rule packs count: `queries.query0.total`), or the next number not taken.
NAMELESS_QUERY = "query{}"


def _named(address: str, queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`queries` with a name for each the account holds without one (the API lets a query
    go nameless; a manifest names every query, for `queries.<name>.total` and to tell them
    apart): said on stderr, since the first apply writes that name into the account."""
    taken = {q.get("name") for q in queries}
    number = 0
    for index, query in enumerate(queries):
        if query.get("name"):
            continue
        number = max(number, index)
        while NAMELESS_QUERY.format(number) in taken:
            number += 1
        query["name"] = name = NAMELESS_QUERY.format(number)
        taken.add(name)
        log.warning(
            "%s: its query %d has no name in the account; exported as %r (a manifest "
            "names every query: the first apply names it in the account too)",
            address,
            index + 1,
            name,
        )
    return queries


QUESTION_QUERY_DEFAULTS = model_defaults(QuestionQuery)
RULE_QUERY_DEFAULTS = model_defaults(RuleQuery)
COMPLIANCE_DEFAULTS = model_defaults(ComplianceMapping)
# `type` is kept: FILTER reads better than nothing
CONDITION_DEFAULTS = {k: v for k, v in model_defaults(RuleCondition).items() if k != "type"}


def question_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    state = live.state
    fields = ("name", "query", "version", "resultsAre", "includeDeleted")
    compliance = [
        without_defaults(
            {
                "standard": item.get("standard"),
                "requirements": item.get("requirements"),
                "controls": item.get("controls"),
            },
            COMPLIANCE_DEFAULTS,
        )
        for item in state.get("compliance") or []
    ]
    return ordered_spec(
        "Question",
        {
            **state,
            "tags": _tags(state, managed_tag),
            "queries": _named(
                live.address,
                [_query(q, fields, QUESTION_QUERY_DEFAULTS) for q in state.get("queries") or []],
            ),
            "compliance": compliance,
        },
    )


def _operation(operation: Mapping[str, Any]) -> dict[str, Any]:
    written: dict[str, Any] = {}
    when = operation.get("when")
    if isinstance(when, Mapping):
        leading = {k: when[k] for k in ("type", "version", "condition") if k in when}
        rest = {k: v for k, v in when.items() if k not in leading}
        written["when"] = without_defaults({**leading, **rest}, CONDITION_DEFAULTS)
    elif when is not None:
        written["when"] = when
    actions = operation.get("actions") or []
    if actions:
        # `type` first: it says what the action is; the other keys as the API has them.
        written["actions"] = [
            {"type": a.get("type"), **{k: v for k, v in a.items() if k != "type"}}
            if isinstance(a, Mapping)
            else a
            for a in actions
        ]
    return written


def alert_rule_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    state = live.state
    question = state.get("question")
    fields = ("name", "query", "version", "includeDeleted")
    inline = None
    if question is not None and not state.get("questionRef"):
        inline = {
            "queries": _named(
                live.address,
                [_query(q, fields, RULE_QUERY_DEFAULTS) for q in question.get("queries") or []],
            )
        }
    return ordered_spec(
        "AlertRule",
        {
            **state,
            "question": inline,
            "operations": [_operation(op) for op in state.get("operations") or []],
            "tags": _tags(state, managed_tag),
        },
    )


def iam_group_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    # members are written even when empty: the export is the account as it is, and a
    # listed membership is one j1sync keeps (docs/architecture.md §3: present = authoritative).
    return ordered_spec("IamGroup", {**live.state, "members": live.state.get("members") or []})


def integration_schedule_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    return ordered_spec("IntegrationSchedule", dict(live.state))


def parameter_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    # `value` is written even when empty ("" or []): it is required
    spec = ordered_spec("Parameter", dict(live.state))
    return {"value": live.state.get("value"), **spec}


def resource_group_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    # permissions are written even when empty (authoritative), each without its defaults
    defaults = model_defaults(ResourcePermission)
    permissions = [
        without_defaults(permission, defaults) for permission in live.state.get("permissions") or []
    ]
    return {"permissions": permissions}


def dashboard_spec(live: LiveObject, managed_tag: str) -> dict[str, Any]:
    # widgets keyed by their ids, each without its defaults; breakpoints without items and
    # parameters' defaults left out
    state = live.state
    widgets = {key: model_spec(Widget, widget) for key, widget in state["widgets"].items()}
    layouts = {
        size: [model_spec(LayoutItem, item) for item in items]
        for size, items in state["layouts"].items()
        if items
    }
    parameters = [model_spec(BoardParameter, p) for p in state["parameters"]]
    spec = ordered_spec("Dashboard", {**state, "widgets": widgets, "parameters": parameters})
    if layouts:  # the model's default is an object of empty lists, not {}
        spec = ordered_spec("Dashboard", {**spec, "layouts": layouts})
    return spec


SPEC_BUILDERS: dict[str, SpecBuilder] = {
    "Question": question_spec,
    "AlertRule": alert_rule_spec,
    "IamGroup": iam_group_spec,
    "IntegrationSchedule": integration_schedule_spec,
    "Parameter": parameter_spec,
    "ResourceGroup": resource_group_spec,
    "Dashboard": dashboard_spec,
}
