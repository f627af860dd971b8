"""J1QL and parameter references checked across the manifests (validate and plan).

Every query field (a Question's queries, an AlertRule's inline question queries, a
Dashboard widget's queries) goes through the J1QL checker (`j1ql.check_query`, beside
this package): its errors are manifest problems at the query's own line and column in the
file, with a caret under the spot; its warnings are logged. The `${ param.X }` of queries
and the `{{param.X}}` of rule fields are collected: one that a Parameter manifest declares
is known, and so is, in a widget's query, one its board's own parameters declare; the
others are checked against the account at plan time
(`j1sync.providers.jupiterone.live_query_checks`)."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from j1sync.errors import ManifestProblem
from j1sync.manifest.cross_checks import LoadedManifest
from j1sync.manifest.document import Manifest
from j1sync.manifest.scalar_positions import source_span
from j1sync.manifest.yaml_source import FieldPath, YamlDocument, format_field_path, locate
from j1sync.providers.jupiterone.j1ql import check_query
from j1sync.providers.jupiterone.models.alert_rule import AlertRuleSpec
from j1sync.providers.jupiterone.models.dashboard import DashboardSpec
from j1sync.providers.jupiterone.models.parameter import KIND as PARAMETER_KIND
from j1sync.providers.jupiterone.models.question import QuestionSpec

log = logging.getLogger("j1sync.manifest")

RULE_PARAMETER = re.compile(r"\{\{\s*param\.(\w+)\s*\}\}")


@dataclass(frozen=True)
class QueryField:
    path: FieldPath  # from the document root
    text: str
    # the `${ param.X }` names the query may read besides the parameter store's: a
    # board's own parameters, for its widgets' queries
    local_parameters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ParameterReference:
    manifest: Manifest
    path: FieldPath
    name: str
    start: int  # offsets in the field's text
    end: int
    text: str


def query_fields(manifest: Manifest) -> Iterator[QueryField]:
    spec = manifest.spec
    if isinstance(spec, QuestionSpec):
        for index, query in enumerate(spec.queries):
            yield QueryField(("spec", "queries", index, "query"), query.query)
    elif isinstance(spec, AlertRuleSpec) and spec.question is not None:
        for index, rule_query in enumerate(spec.question.queries):
            yield QueryField(("spec", "question", "queries", index, "query"), rule_query.query)
    elif isinstance(spec, DashboardSpec):
        board_parameters = frozenset(parameter.name for parameter in spec.parameters)
        for key, widget in spec.widgets.items():
            for index, widget_query in enumerate(widget.queries):
                path = ("spec", "widgets", key, "queries", index, "query")
                yield QueryField(path, widget_query.query, board_parameters)


def query_problems(loaded: Sequence[LoadedManifest]) -> list[ManifestProblem]:
    """The J1QL errors of every query; warnings are logged."""
    problems = []
    for item in loaded:
        for field in query_fields(item.manifest):
            check = check_query(field.text)
            for finding in check.findings:
                problem = located_problem(
                    item.manifest,
                    item.document,
                    field.path,
                    field.text,
                    finding.start,
                    finding.end,
                    f"J1QL: {finding.message}",
                )
                if finding.severity == "error":
                    problems.append(problem)
                else:
                    log.warning("%s", _as_warning(problem))
    return problems


def _as_warning(problem: ManifestProblem) -> str:
    text = problem.line().replace(": J1QL: ", ": J1QL warning: ", 1)
    return text + (f"\n{problem.excerpt}" if problem.excerpt else "")


def located_problem(
    manifest: Manifest,
    document: YamlDocument,
    path: FieldPath,
    text: str,
    start: int,
    end: int,
    message: str,
) -> ManifestProblem:
    """A problem at text[start:end] of the string field at `path`: its file position
    and excerpt when the file still holds it, else the field's own position."""
    located = locate(document, path, at_value=True)
    span = source_span(located.location, text, start, end)
    location, excerpt = span if span else (located.location, None)
    return ManifestProblem(
        location, message, manifest.address, format_field_path(located.path) or None, excerpt
    )


def parameter_references(manifests: Sequence[Manifest]) -> list[ParameterReference]:
    """Every `${ param.X }` in a query and `{{param.X}}` in a rule's fields, but for a
    widget query's names of its board's own parameters."""
    found = []
    for manifest in manifests:
        for field in query_fields(manifest):
            if not _may_name_parameter(field.text):
                continue  # no query checked twice for nothing (the load checked it)
            for use in check_query(field.text).parameters:
                if use.name in field.local_parameters:
                    continue
                found.append(
                    ParameterReference(
                        manifest, field.path, use.name, use.start, use.end, field.text
                    )
                )
        if isinstance(manifest.spec, AlertRuleSpec) and "{{" in manifest.spec.model_dump_json():
            data = manifest.spec.model_dump(mode="json", exclude_none=True)
            for path, text in _strings(data, ("spec",)):
                for match in RULE_PARAMETER.finditer(text):
                    found.append(
                        ParameterReference(
                            manifest, path, match.group(1), match.start(), match.end(), text
                        )
                    )
    return found


def _may_name_parameter(query: str) -> bool:
    """False when `query` certainly names no `${ param.X }`."""
    return "${" in query and "param" in query


def _strings(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        if "{{" in value:
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def declared_parameters(manifests: Sequence[Manifest]) -> set[str]:
    return {m.name for m in manifests if m.kind == PARAMETER_KIND}


def unknown_parameter_message(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return (
        f"parameter '{name}' is neither declared in the manifests nor in the account's "
        f"parameter store{hint}"
    )
